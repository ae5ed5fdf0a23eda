package io.github.lager.core.io;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.lager.core.InvalidInputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the reference's input format: JSON Lines, one object per line with {@code user_prompt},
 * optionally {@code user_prompt_feedback}, {@code score} (an int or a list of ints) and
 * {@code idx}; or, for a prompt template, lines of fields ({@code instruction}, {@code response},
 * ...) with {@code score} and {@code idx} read the same way. Every field is kept
 * ({@link JudgeSample#fields()}).
 *
 * <p>A line without {@code idx} gets its 0-based line number in the file, counting blank and
 * unusable lines, so that skipping a bad line, or fixing it later, never renumbers the others: a
 * resumed run finds every sample under the idx it had.
 *
 * <p>The reference skips lines it cannot parse without a word; this reader reports each one
 * ({@code file:line: what is wrong}) and, unless strict, goes on with the rest.
 */
public final class JudgeSamplesJsonl {
  /** What a file held: the samples read and one message per line that could not be used. */
  public record Contents(Path file, List<JudgeSample> samples, List<String> problems) {
    public Contents {
      samples = List.copyOf(samples);
      problems = List.copyOf(problems);
    }
  }

  private JudgeSamplesJsonl() {}

  /**
   * Reads every usable line of rendered prompts ({@code user_prompt} required); fails only when
   * the file is missing or holds no sample at all.
   */
  public static Contents read(Path file) {
    return read(file, false);
  }

  /**
   * Reads rendered prompts: every line needs {@code user_prompt}.
   *
   * @param strict fail on the first unusable line instead of reporting it
   */
  public static Contents read(Path file, boolean strict) {
    return read(file, strict, false);
  }

  /**
   * @param strict fail on the first unusable line instead of reporting it
   * @param fieldBased the lines are fields for a prompt template: {@code user_prompt} is not
   *     required
   */
  public static Contents read(Path file, boolean strict, boolean fieldBased) {
    List<JudgeSample> samples = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    Set<Long> seen = new HashSet<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int lineNo = 0;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        String where = file + ":" + lineNo;
        try {
          JudgeSample s = parse(line, where, lineNo - 1, fieldBased);
          if (!seen.add(s.idx())) {
            throw new InvalidInputException(where + ": idx " + s.idx() + " appears twice");
          }
          samples.add(s);
        } catch (InvalidInputException e) {
          if (strict) {
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
    if (samples.isEmpty()) {
      throw new InvalidInputException(file + ": no usable sample"
          + (problems.isEmpty() ? " (the file is empty)" : "; first problem: " + problems.get(0)));
    }
    return new Contents(file, samples, problems);
  }

  /** One line; {@code position} is its 0-based line number, the sample's idx when it has none. */
  private static JudgeSample parse(String line, String where, int position, boolean fieldBased) {
    JsonElement element;
    try {
      element = JsonParser.parseString(line);
    } catch (JsonParseException e) {
      throw new InvalidInputException(where + ": malformed JSON: " + JsonFields.rootMessage(e), e);
    }
    JsonFields f = new JsonFields(element, where);
    long idx = f.has("idx") ? f.integer("idx") : position;
    if (!fieldBased && !f.has("user_prompt")) {
      throw f.fail("user_prompt", "is missing; a line holds a rendered judge prompt in"
          + " user_prompt, or fields (instruction, response, ...) for a prompt template given"
          + " with --template");
    }
    Optional<String> prompt = f.has("user_prompt") ? Optional.of(f.string("user_prompt"))
        : Optional.empty();
    Map<String, JsonElement> fields = new LinkedHashMap<>();
    element.getAsJsonObject().entrySet().forEach(e -> fields.put(e.getKey(), e.getValue()));
    return new JudgeSample(idx, prompt, f.optionalString("user_prompt_feedback"),
        f.optionalHumanScore("score"), fields);
  }
}
