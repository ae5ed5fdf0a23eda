package io.github.lager.core.io;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.lager.core.InvalidInputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int lineNo = 0;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        String where = file + ":" + lineNo;
        JsonElement element;
        try {
          element = JsonParser.parseString(line);
        } catch (JsonParseException e) {
          throw new InvalidInputException(where + ": malformed JSON: "
              + JsonFields.rootMessage(e), e);
        }
        JsonFields f = new JsonFields(element, where);
        long idx = f.has("idx") ? f.integer("idx") : lineNo - 1;
        if (lines.putIfAbsent(idx, line) != null) {
          throw new InvalidInputException(where + ": idx " + idx + " appears twice");
        }
      }
    } catch (NoSuchFileException e) {
      throw new InvalidInputException("input file not found: " + file, e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    if (lines.isEmpty()) {
      throw new InvalidInputException(file + ": holds no lines");
    }
    return lines;
  }
}
