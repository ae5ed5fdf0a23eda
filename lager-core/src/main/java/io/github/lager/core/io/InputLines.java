package io.github.lager.core.io;

import io.github.lager.core.InvalidInputException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The lines of a JSON Lines input file by {@code idx}, exactly as written (for copying a
 * selection of them): a line's {@code idx} is its {@code idx} field, else its 0-based line number
 * (blank lines counted), as {@link JudgeSamplesJsonl} numbers samples. A malformed line or a
 * repeated {@code idx} fails with the file and line.
 */
public final class InputLines {
  private InputLines() {}

  /** idx to the line's text (without its line break), in file order. */
  public static Map<Long, String> read(Path file) {
    Map<Long, String> lines = new LinkedHashMap<>();
    JsonLinesInput.read(file, (idx, f, text, where) -> lines.put(idx, text), null);
    if (lines.isEmpty()) {
      throw new InvalidInputException(file + ": holds no lines");
    }
    return lines;
  }
}
