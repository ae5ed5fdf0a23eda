package io.github.lager.hf;

import io.github.lager.core.io.JudgeSample;
import io.github.lager.core.math.ScoreScale;
import io.github.lager.core.pipeline.PromptEncoder;
import io.github.lager.core.pipeline.PromptTemplate;
import io.github.lager.core.pipeline.SampleEncoder;
import io.github.lager.hf.model.ModelDirectory;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The prompts a judge would run, without a backend: a model directory's chat template and
 * tokenizer, the label set with its token ids (each label checked to be one token), and the prompt
 * template of the {@link JudgeOptions}. {@code lager render} prints what it makes; a {@link Judge}
 * runs the same prompts.
 */
public final class JudgePrompts implements AutoCloseable {
  private final ModelDirectory model;
  private final boolean ownsModel;
  private final ScoreScale scale;
  private final PromptTemplate template;
  private final PromptEncoder encoder;
  private final SampleEncoder samples;

  private JudgePrompts(ModelDirectory model, boolean ownsModel, JudgeOptions options) {
    this.model = model;
    this.ownsModel = ownsModel;
    this.scale = model.scoreScale(options.labels());
    this.template = options.template().map(t -> t.bind(scale)).orElse(PromptTemplate.RENDERED);
    this.encoder = model.encoder(options.addSpecialTokens());
    this.samples = new SampleEncoder(template, encoder, options.pipeline().condition(),
        options.pairwise());
  }

  /** Opens the model directory (no backend is loaded); close it. */
  public static JudgePrompts open(Path modelDir, JudgeOptions options) {
    Objects.requireNonNull(modelDir, "modelDir");
    Objects.requireNonNull(options, "options");
    ModelDirectory model = ModelDirectory.open(modelDir);
    try {
      return new JudgePrompts(model, true, options);
    } catch (RuntimeException | Error e) {
      model.close();
      throw e;
    }
  }

  /** The prompts of an open model directory, which stays the caller's to close. */
  static JudgePrompts of(ModelDirectory model, JudgeOptions options) {
    return new JudgePrompts(model, false, options);
  }

  /**
   * The prompts of {@code sample}: the template's text, the chat-templated text and its tokens,
   * in the order (A, B) and, when pairwise, (B, A); fails naming what the sample lacks.
   */
  public SampleEncoder.Encoded encode(JudgeSample sample) {
    return samples.encode(sample);
  }

  /** The label set with its token ids. */
  public ScoreScale scale() {
    return scale;
  }

  PromptTemplate template() {
    return template;
  }

  PromptEncoder encoder() {
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
