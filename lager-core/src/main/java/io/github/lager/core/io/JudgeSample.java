package io.github.lager.core.io;

import java.util.Objects;
import java.util.Optional;

/**
 * One line of the reference's input JSON Lines: a judge prompt for the direct condition
 * ({@code user_prompt}), optionally one for the reasoning condition ({@code user_prompt_feedback})
 * and the human score ({@code score}, an int or a list of annotator ints).
 *
 * @param idx the sample's id: the line's {@code idx} field, else the line's 0-based position in
 *     the file (blank and unusable lines counted, so that no sample is renumbered when another
 *     line is skipped or fixed)
 * @param userPrompt the direct-condition prompt
 * @param userPromptFeedback the reasoning-condition prompt, when present
 * @param humanScore the human score, when present
 */
public record JudgeSample(
    long idx, String userPrompt, Optional<String> userPromptFeedback, Optional<HumanScore> humanScore) {
  public JudgeSample {
    Objects.requireNonNull(userPrompt, "userPrompt");
    Objects.requireNonNull(userPromptFeedback, "userPromptFeedback");
    Objects.requireNonNull(humanScore, "humanScore");
  }
}
