package io.github.lager.core.pipeline;

/**
 * A model's chat template and tokenizer, which turn a judge prompt into model input the way the
 * reference does: the prompt as one user message through the chat template with the generation
 * prompt added, then tokenized. lager-hf implements it for Hugging Face model directories
 * ({@code ModelDirectory.encoder}).
 */
public interface ChatTokenizer {
  /** {@code apply_chat_template([{"role": "user", "content": prompt}], add_generation_prompt=True)}. */
  String render(String userPrompt);

  /** Token ids of rendered text (with the tokenizer's special tokens, unless configured off). */
  int[] tokenize(String renderedText);
}
