package io.github.lager.core.pipeline;

import io.github.lager.core.io.JudgeSample;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds a sample's judge prompts ready to run, from what it holds: a {@link PromptTemplate} (the
 * sample's prompt text), a {@link ChatTokenizer} (the model's chat template and tokenizer), the
 * {@link Condition} and whether to judge pairwise, in which case it also builds the prompt of the
 * swapped sample ({@link JudgeSample#swapped()}: the responses in the order (B, A)). What
 * {@code lager render} prints and what the pipeline runs are built here, one way.
 */
public final class PromptBuilder {
  /** One order's prompt: the template's text, the chat-templated text and its token ids. */
  public record Prompt(String prompt, String chatText, int[] ids) {
    public Prompt {
      Objects.requireNonNull(prompt, "prompt");
      Objects.requireNonNull(chatText, "chatText");
      ids = ids.clone();
    }

    @Override
    public int[] ids() {
      return ids.clone();
    }

    int length() {
      return ids.length;
    }
  }

  /** A sample's prompts: the order (A, B), and the order (B, A) when judging in both orders. */
  public record Prompts(JudgeSample sample, List<Prompt> orders) {
    public Prompts {
      Objects.requireNonNull(sample, "sample");
      orders = List.copyOf(orders);
    }
  }

  private final PromptTemplate template;
  private final ChatTokenizer chatTokenizer;
  private final Condition condition;
  private final boolean pairwise;

  /**
   * @param pairwise judge each sample in both orders
   */
  public PromptBuilder(PromptTemplate template, ChatTokenizer chatTokenizer, Condition condition,
      boolean pairwise) {
    this.template = Objects.requireNonNull(template, "template");
    this.chatTokenizer = Objects.requireNonNull(chatTokenizer, "chatTokenizer");
    this.condition = Objects.requireNonNull(condition, "condition");
    this.pairwise = pairwise;
  }

  public boolean pairwise() {
    return pairwise;
  }

  /** {@code sample}'s prompts, rendered, chat-templated and tokenized (both orders if pairwise). */
  public Prompts encode(JudgeSample sample) {
    List<Prompt> orders = new ArrayList<>();
    orders.add(prompt(sample));
    if (pairwise) {
      orders.add(prompt(sample.swapped()));
    }
    return new Prompts(sample, orders);
  }

  private Prompt prompt(JudgeSample sample) {
    String prompt = template.render(sample, condition);
    String chat = chatTokenizer.render(prompt);
    return new Prompt(prompt, chat, chatTokenizer.tokenize(chat));
  }
}
