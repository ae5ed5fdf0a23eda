package io.github.lager.core.io;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.lager.core.InvalidInputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An input file of JSON Lines, a line at a time: blank lines are passed over; every other line is
 * one JSON object whose {@code idx} is its {@code idx} field, else its 0-based line number in the
 * file (blank and unusable lines counted), so that skipping or fixing a line never renumbers
 * another. The one home of that rule: {@link JudgeSamplesJsonl} and {@link InputLines} read
 * through here.
 */
final class JsonLinesInput {
  /** One line: its idx, its fields, its text (without the line break) and where it is. */
  interface Line {
    void accept(long idx, JsonFields fields, String text, String where);
  }

  private JsonLinesInput() {}

  /**
   * Hands every line to {@code line}; a malformed line, a repeated idx, or a line {@code line}
   * rejects (with an {@link InvalidInputException}) fails, or, with {@code problems}, is reported
   * there and passed over.
   *
   * @return whether any line was handed on without a problem
   */
  static boolean read(Path file, Line line, List<String> problems) {
    Set<Long> seen = new HashSet<>();
    boolean any = false;
    try (BufferedReader in = InputFile.reader(file)) {
      String text;
      int lineNo = 0;
      while ((text = in.readLine()) != null) {
        lineNo++;
        if (text.isBlank()) {
          continue;
        }
        String where = file + ":" + lineNo;
        try {
          JsonElement element;
          try {
            element = JsonParser.parseString(text);
          } catch (JsonParseException e) {
            throw new InvalidInputException(where + ": malformed JSON: "
                + JsonFields.rootMessage(e), e);
          }
          JsonFields f = new JsonFields(element, where);
          long idx = f.has("idx") ? f.integer("idx") : lineNo - 1;
          if (!seen.add(idx)) {
            throw new InvalidInputException(where + ": idx " + idx + " appears twice");
          }
          line.accept(idx, f, text, where);
          any = true;
        } catch (InvalidInputException e) {
          if (problems == null) {
            throw e;
          }
          problems.add(e.getMessage());
        }
      }
    } catch (NoSuchFileException e) {
      throw new InvalidInputException("input file not found: " + file, e);
    } catch (IOException e) {
      throw FileErrors.reading(file, e);
    }
    return any;
  }
}
