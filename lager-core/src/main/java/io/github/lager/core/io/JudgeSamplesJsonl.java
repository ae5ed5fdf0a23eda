package io.github.lager.core.io;

import com.google.gson.JsonElement;
import io.github.lager.core.InvalidInputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
    JsonLinesInput.read(file, (idx, f, text, where) -> samples.add(parse(idx, f, fieldBased)),
        strict ? null : problems);
    if (samples.isEmpty()) {
      throw new InvalidInputException(file + ": no usable sample"
          + (problems.isEmpty() ? " (the file is empty)" : "; first problem: " + problems.get(0)));
    }
    return new Contents(file, samples, problems);
  }

  /** One line's sample. */
  private static JudgeSample parse(long idx, JsonFields f, boolean fieldBased) {
    if (!fieldBased && !f.has("user_prompt")) {
      throw f.fail("user_prompt", "is missing; a line holds a rendered judge prompt in"
          + " user_prompt, or fields (instruction, response, ...) for a prompt template given"
          + " with --template");
    }
    Optional<String> prompt = f.has("user_prompt") ? Optional.of(f.string("user_prompt"))
        : Optional.empty();
    Map<String, JsonElement> fields = new LinkedHashMap<>();
    f.object().entrySet().forEach(e -> fields.put(e.getKey(), e.getValue()));
    return new JudgeSample(idx, prompt, f.optionalString("user_prompt_feedback"),
        f.optionalHumanScore("score"), fields);
  }
}
