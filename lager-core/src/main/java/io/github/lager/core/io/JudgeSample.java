package io.github.lager.core.io;

import com.google.gson.JsonElement;
import io.github.lager.core.InvalidInputException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One line of an input JSON Lines file: a rendered judge prompt for the direct condition
 * ({@code user_prompt}) and optionally one for the reasoning condition
 * ({@code user_prompt_feedback}), as the reference reads them, or the fields a prompt template
 * renders ({@code instruction}, {@code response}, {@code rubric}, {@code reference},
 * {@code response_a}, {@code response_b}, anything else), and the human score ({@code score}, an
 * int or a list of annotator ints).
 *
 * @param idx the sample's id: the line's {@code idx} field, else the line's 0-based position in
 *     the file (blank and unusable lines counted, so that no sample is renumbered when another
 *     line is skipped or fixed)
 * @param userPrompt the rendered direct-condition prompt, when present
 * @param userPromptFeedback the rendered reasoning-condition prompt, when present
 * @param humanScore the human score, when present
 * @param fields every top-level field of the line as written, in order (copied; unmodifiable)
 */
public record JudgeSample(long idx, Optional<String> userPrompt,
    Optional<String> userPromptFeedback, Optional<HumanScore> humanScore,
    Map<String, JsonElement> fields) {
  /** The field of the first response of a pairwise sample. */
  public static final String RESPONSE_A = "response_a";
  /** The field of the second response of a pairwise sample. */
  public static final String RESPONSE_B = "response_b";

  public JudgeSample {
    Objects.requireNonNull(userPrompt, "userPrompt");
    Objects.requireNonNull(userPromptFeedback, "userPromptFeedback");
    Objects.requireNonNull(humanScore, "humanScore");
    Objects.requireNonNull(fields, "fields");
    Map<String, JsonElement> copy = new LinkedHashMap<>();
    fields.forEach((k, v) -> copy.put(k, v.deepCopy()));
    fields = Collections.unmodifiableMap(copy);
  }

  /** A rendered prompt as the reference reads it (its fields are only those). */
  public JudgeSample(long idx, String userPrompt, Optional<String> userPromptFeedback,
      Optional<HumanScore> humanScore) {
    this(idx, Optional.of(userPrompt), userPromptFeedback, humanScore, Map.of());
  }

  /** A copy of the field {@code name}, when the line has it (and it is not null). */
  public Optional<JsonElement> field(String name) {
    JsonElement e = fields.get(name);
    return e == null || e.isJsonNull() ? Optional.empty() : Optional.of(e.deepCopy());
  }

  /**
   * The same sample with its responses in the other order: every pair of fields {@code X_a} and
   * {@code X_b} ({@code response_a}/{@code response_b}, {@code model_a}/{@code model_b}, ...)
   * exchanges its values; the fields keep their order, so swapping twice gives back the sample.
   * Fails naming the sample when it has no {@code response_a} and {@code response_b}.
   */
  public JudgeSample swapped() {
    if (field(RESPONSE_A).isEmpty() || field(RESPONSE_B).isEmpty()) {
      List<String> missing = new ArrayList<>();
      for (String f : List.of(RESPONSE_A, RESPONSE_B)) {
        if (field(f).isEmpty()) {
          missing.add(f);
        }
      }
      throw new InvalidInputException("idx " + idx + ": no " + String.join(" and ", missing)
          + "; judging in both orders (--pairwise) swaps the fields " + RESPONSE_A + " and "
          + RESPONSE_B + (userPrompt.isPresent() ? " (a rendered user_prompt cannot be"
              + " swapped)" : ""));
    }
    Map<String, JsonElement> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> e : fields.entrySet()) {
      String k = e.getKey();
      String partner = k.endsWith("_a") ? k.substring(0, k.length() - 2) + "_b"
          : k.endsWith("_b") ? k.substring(0, k.length() - 2) + "_a" : null;
      out.put(k, partner != null && fields.containsKey(partner) ? fields.get(partner)
          : e.getValue());
    }
    return new JudgeSample(idx, userPrompt, userPromptFeedback, humanScore, out);
  }
}
