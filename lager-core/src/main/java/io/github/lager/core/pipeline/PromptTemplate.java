package io.github.lager.core.pipeline;

import io.github.lager.core.LagerException;
import io.github.lager.core.io.JudgeSample;

/**
 * Turns a sample into its judge prompt: the text of the user message, before the chat template
 * ({@link ChatTokenizer}). {@link #RENDERED} takes the prompt the sample already holds, as the
 * reference does; lager-hf renders fields through a Jinja template.
 */
public interface PromptTemplate {
  /**
   * The reference's prompts: {@code user_prompt} in the direct condition,
   * {@code user_prompt_feedback} in the reasoning condition.
   */
  PromptTemplate RENDERED = new PromptTemplate() {
    @Override
    public String render(JudgeSample sample, Condition condition) {
      return condition.prompt(sample).orElseThrow(() -> new LagerException(
          condition == Condition.DIRECT ? "no user_prompt, which the direct condition needs"
              : "no user_prompt_feedback, which the reasoning condition needs"));
    }

    @Override
    public String toString() {
      return "rendered prompts (user_prompt, user_prompt_feedback)";
    }
  };

  /**
   * The judge prompt of {@code sample} in {@code condition}; fails with a one-line message naming
   * what is missing (the caller adds the sample's idx).
   */
  String render(JudgeSample sample, Condition condition);
}
