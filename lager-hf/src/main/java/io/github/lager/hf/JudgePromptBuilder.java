package io.github.lager.hf;

import io.github.lager.core.io.JudgeSample;
import io.github.lager.core.math.LabelSet;
import io.github.lager.core.math.LabelTokens;
import io.github.lager.core.pipeline.ChatTokenizer;
import io.github.lager.core.pipeline.PromptBuilder;
import io.github.lager.core.pipeline.PromptTemplate;
import io.github.lager.hf.model.ModelDirectory;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A judge's {@link PromptBuilder}, without a backend: it holds a model directory (whose chat
 * template and tokenizer it uses), the label set bound to its token ids (each label checked to be
 * one token) and the prompt template of the {@link JudgeOptions}. {@code lager render} prints the
 * prompts it builds; a {@link Judge} runs the same prompts.
 */
public final class JudgePromptBuilder implements AutoCloseable {
  private final ModelDirectory model;
  private final boolean ownsModel;
  private final LabelTokens labelTokens;
  private final PromptTemplate template;
  private final ChatTokenizer encoder;
  private final PromptBuilder samples;

  private JudgePromptBuilder(ModelDirectory model, boolean ownsModel, JudgeOptions options) {
    this.model = model;
    this.ownsModel = ownsModel;
    this.labelTokens = model.labelTokens(options.labelSet());
    this.template = options.template().map(t -> t.bind(labelTokens.labelSet()))
        .orElse(PromptTemplate.RENDERED);
    this.encoder = model.encoder(options.addSpecialTokens());
    this.samples = new PromptBuilder(template, encoder, options.pipeline().condition(),
        options.pairwise());
  }

  /** Opens the model directory (no backend is loaded); close it. */
  public static JudgePromptBuilder open(Path modelDir, JudgeOptions options) {
    Objects.requireNonNull(modelDir, "modelDir");
    Objects.requireNonNull(options, "options");
    ModelDirectory model = ModelDirectory.open(modelDir);
    try {
      return new JudgePromptBuilder(model, true, options);
    } catch (RuntimeException | Error e) {
      model.close();
      throw e;
    }
  }

  /** The prompts of an open model directory, which stays the caller's to close. */
  static JudgePromptBuilder of(ModelDirectory model, JudgeOptions options) {
    return new JudgePromptBuilder(model, false, options);
  }

  /**
   * The prompts of {@code sample}: the template's text, the chat-templated text and its tokens,
   * in the order (A, B) and, when pairwise, (B, A); fails naming what the sample lacks.
   */
  public PromptBuilder.Prompts encode(JudgeSample sample) {
    return samples.encode(sample);
  }

  /** The label set with its token ids. */
  public LabelTokens labelTokens() {
    return labelTokens;
  }

  /** The label set: the labels and their values. */
  public LabelSet labelSet() {
    return labelTokens.labelSet();
  }

  PromptTemplate template() {
    return template;
  }

  ChatTokenizer encoder() {
    return encoder;
  }

  public ModelDirectory model() {
    return model;
  }

  @Override
  public void close() {
    if (ownsModel) {
      model.close();
    }
  }
}
