package io.github.lager.core.pipeline;

import io.github.lager.core.io.JudgeSample;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A sample's judge prompts ready to run: its prompt from the {@link PromptTemplate}, the chat
 * template and the tokenizer ({@link PromptEncoder}); with pairwise judging also the prompt of the
 * swapped sample ({@link JudgeSample#swapped()}: the responses in the order (B, A)). What
 * {@code lager render} prints and what the pipeline runs are made here, one way.
 */
public final class SampleEncoder {
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

  /** The order (A, B), and the order (B, A) when judging in both orders. */
  public record Encoded(JudgeSample sample, List<Prompt> orders) {
    public Encoded {
      Objects.requireNonNull(sample, "sample");
      orders = List.copyOf(orders);
    }
  }

  private final PromptTemplate template;
  private final PromptEncoder encoder;
  private final Condition condition;
  private final boolean pairwise;

  /**
   * @param pairwise judge each sample in both orders
   */
  public SampleEncoder(PromptTemplate template, PromptEncoder encoder, Condition condition,
      boolean pairwise) {
    this.template = Objects.requireNonNull(template, "template");
    this.encoder = Objects.requireNonNull(encoder, "encoder");
    this.condition = Objects.requireNonNull(condition, "condition");
    this.pairwise = pairwise;
  }

  public boolean pairwise() {
    return pairwise;
  }

  /** Renders, templates and tokenizes {@code sample} (both orders when pairwise). */
  public Encoded encode(JudgeSample sample) {
    List<Prompt> orders = new ArrayList<>();
    orders.add(prompt(sample));
    if (pairwise) {
      orders.add(prompt(sample.swapped()));
    }
    return new Encoded(sample, orders);
  }

  private Prompt prompt(JudgeSample sample) {
    String prompt = template.render(sample, condition);
    String chat = encoder.render(prompt);
    return new Prompt(prompt, chat, encoder.tokenize(chat));
  }
}
