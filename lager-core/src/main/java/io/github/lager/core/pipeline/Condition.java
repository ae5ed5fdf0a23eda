package io.github.lager.core.pipeline;

import io.github.lager.core.io.JudgeSample;
import java.util.Optional;

/** The paper's two judge conditions. */
public enum Condition {
  /** The judge answers with the score: {@code user_prompt}, 10 new tokens. */
  DIRECT(10),
  /** The judge writes feedback, then "Score: N": {@code user_prompt_feedback}, 256 new tokens. */
  REASONING(256);

  private final int defaultMaxNewTokens;

  Condition(int defaultMaxNewTokens) {
    this.defaultMaxNewTokens = defaultMaxNewTokens;
  }

  public int defaultMaxNewTokens() {
    return defaultMaxNewTokens;
  }

  /** The rendered prompt this condition uses, when the sample has it. */
  public Optional<String> prompt(JudgeSample s) {
    return this == DIRECT ? s.userPrompt() : s.userPromptFeedback();
  }
}
