package io.github.lager.hf;

import io.github.lager.core.io.JudgeSample;
import io.github.lager.core.io.ScoredSample;
import io.github.lager.core.math.LabelSet;
import io.github.lager.core.math.LabelTokens;
import io.github.lager.core.math.LayerWeights;
import io.github.lager.core.math.ScoreHead;
import io.github.lager.core.math.ScoreMethod;
import io.github.lager.core.pipeline.BatchPlan;
import io.github.lager.core.pipeline.JudgePipeline;
import io.github.lager.core.pipeline.ScoringSummary;
import io.github.lager.core.spi.GenerationOptions;
import io.github.lager.core.spi.HiddenStateProvider;
import io.github.lager.core.spi.ScorePositionRule;
import io.github.lager.hf.architecture.ModelConfig;
import io.github.lager.hf.backend.Backends;
import io.github.lager.hf.backend.HiddenStateProviderFactory;
import io.github.lager.hf.model.HfTokenizer;
import io.github.lager.hf.model.ModelDirectory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A judge model ready to score: a Hugging Face model directory opened with one call, owning the
 * backend (its {@link HiddenStateProvider}), the tokenizer and chat template, and the score head.
 * Scoring runs the judge pipeline (template, tokenize, batch, decode, project, score).
 *
 * <pre>{@code
 * try (Judge judge = Judge.open(Path.of("/models/Llama-3.1-8B-Instruct"), JudgeOptions.defaults())) {
 *   judge.score(JudgeSamplesJsonl.read(prompts).samples(),
 *       s -> System.out.println(s.idx() + " " + judge.scores(s)));
 * }
 * }</pre>
 *
 * <p>Opening checks config.json against the checkpoint's tensors (a config that does not describe
 * its weights is refused before any backend loads). Use a judge from one thread; close it.
 */
public final class Judge implements AutoCloseable {
  private final ModelDirectory model;
  private final JudgeOptions options;
  private final String backend;
  private final HiddenStateProvider provider;
  private final LabelTokens labelTokens;
  private final JudgePipeline pipeline;
  /** What the judge opened with {@link #open} and every judge rebound from it share. */
  private final Loaded loaded;
  /** Whether closing this judge closes the provider and the model (not for a rebound judge). */
  private final boolean owner;

  /**
   * The loaded model and backend shared by a judge and the judges {@link #withPrompts rebound}
   * from it: score heads by label token ids (LM-head rows read once per label set), and one lock
   * that serializes the provider's use across them.
   */
  private static final class Loaded {
    final Map<List<Integer>, ScoreHead> heads = new ConcurrentHashMap<>();
  }

  private Judge(ModelDirectory model, JudgeOptions options, String backend,
      HiddenStateProvider provider, LabelTokens labelTokens, JudgePipeline pipeline, Loaded loaded,
      boolean owner) {
    this.model = model;
    this.options = options;
    this.backend = backend;
    this.provider = provider;
    this.labelTokens = labelTokens;
    this.pipeline = pipeline;
    this.loaded = loaded;
    this.owner = owner;
  }

  /** Opens the judge of {@code modelDir}: reads and checks the model, loads the backend. */
  public static Judge open(Path modelDir, JudgeOptions options) {
    Objects.requireNonNull(modelDir, "modelDir");
    Objects.requireNonNull(options, "options");
    return open(ModelDirectory.open(modelDir), options);
  }

  /**
   * Opens the judge of an opened model directory, which the judge then owns (closing the judge
   * closes it; it is closed here too when opening fails). The directory's parsed config,
   * checkpoint and tensor layout go to the backend as they are: nothing is parsed twice.
   */
  public static Judge open(ModelDirectory model, JudgeOptions options) {
    Objects.requireNonNull(options, "options");
    HiddenStateProviderFactory factory;
    try {
      factory = Backends.select(options.backend().orElse(null));
    } catch (RuntimeException | Error e) {
      Objects.requireNonNull(model, "model").close();
      throw e;
    }
    return open(model, factory, options);
  }

  /**
   * Opens the judge of an opened model directory on a backend already chosen (by {@link
   * Backends#select}, e.g. for a run's manifest before the model loads); otherwise as {@link
   * #open(ModelDirectory, JudgeOptions)}.
   */
  public static Judge open(ModelDirectory model, HiddenStateProviderFactory factory,
      JudgeOptions options) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(factory, "factory");
    Objects.requireNonNull(options, "options");
    HiddenStateProvider provider = null;
    try {
      prompts(model, options);
      provider = factory.create(model, options.providerOptions());
      return bind(model, options, factory.name(), provider, new Loaded(), true);
    } catch (RuntimeException | Error e) {
      if (provider != null) {
        provider.close();
      }
      model.close();
      throw e;
    }
  }

  /** The prompts of {@code options}, with the layer weights checked against them. */
  private static JudgePromptBuilder prompts(ModelDirectory model, JudgeOptions options) {
    JudgePromptBuilder prompts = JudgePromptBuilder.of(model, options);
    LabelSet labelSet = prompts.labelSet();
    options.weights().ifPresent(w -> {
      w.checkCompatible(model.config().numHiddenLayers() + 1, "the layer weights");
      w.checkLabels(labelSet, options.reuseWeights(), "the layer weights", "--reuse-weights");
    });
    return prompts;
  }

  /** A judge of {@code options}' prompts and labels on a loaded provider. */
  private static Judge bind(ModelDirectory model, JudgeOptions options, String backend,
      HiddenStateProvider provider, Loaded loaded, boolean owner) {
    ModelConfig config = model.config();
    JudgePromptBuilder prompts = prompts(model, options);
    LabelTokens labelTokens = prompts.labelTokens();
    ScoreHead head = loaded.heads.computeIfAbsent(java.util.Arrays.stream(labelTokens.tokenIds())
        .boxed().toList(), ids -> model.scoreHead(labelTokens));
    HfTokenizer tokenizer = model.tokenizer();
    ScorePositionRule rule = options.anchor()
        .map(a -> ScorePositionRule.firstLabelTokenAfter(a, ids -> tokenizer.decode(ids, true)))
        .orElse(ScorePositionRule.LAST_LABEL_TOKEN);
    GenerationOptions generation = new GenerationOptions(options.pipeline().maxNewTokens(),
        labelTokens, model.eosTokenIds(), model.padTokenId(), options.stopAtFirstScore(), rule);
    JudgePipeline pipeline = new JudgePipeline(prompts.template(), prompts.encoder(), provider,
        head, generation, options.pipeline(), config.positionLimit());
    return new Judge(model, options, backend, provider, labelTokens, pipeline, loaded, owner);
  }

  /**
   * This judge's loaded model and backend rebound to other prompts: {@code options}' label set,
   * template, pairwise order, anchor and pipeline options; nothing is opened or loaded again. The
   * score head (the LM-head rows of the label tokens) is read once per label set and cached, as is
   * the rebound judge per options. The rebound judge shares this judge's provider: scoring through
   * any judge of one {@link #open} is serialized (one runs at a time); closing a rebound judge does
   * nothing, closing the opened one closes the provider and the model for all.
   *
   * @throws IllegalArgumentException when {@code options} ask for another backend, device, dtype
   *     or backend properties than the loaded ones
   */
  public Judge withPrompts(JudgeOptions options) {
    Objects.requireNonNull(options, "options");
    if (!options.providerOptions().equals(this.options.providerOptions())
        || !options.backend().map(backend::equals).orElse(true)) {
      throw new IllegalArgumentException("a judge loaded with " + backend + " "
          + this.options.providerOptions() + " cannot be rebound to " + options.backend()
          .orElse(backend) + " " + options.providerOptions() + ": open another judge");
    }
    return bind(model, options, backend, provider, loaded, false);
  }

  /** The batches {@code samples} run in: a function of the samples and the options alone. */
  public BatchPlan plan(List<JudgeSample> samples) {
    synchronized (loaded) { // the tokenizer is shared with the judges rebound from this one
      return pipeline.plan(samples);
    }
  }

  /** Scores {@code samples}, handing each result to {@code sink} (batch by batch). */
  public ScoringSummary score(List<JudgeSample> samples, Consumer<ScoredSample> sink) {
    synchronized (loaded) {
      return score(plan(samples), Set.of(), batch -> batch.forEach(sink), (d, t, k) -> { });
    }
  }

  /**
   * Runs the batches of {@code plan} that have a sample not in {@code onDisk}; each batch reaches
   * {@code sink} before {@code progress} counts it.
   */
  public ScoringSummary score(BatchPlan plan, Set<Long> onDisk, JudgePipeline.BatchSink sink,
      JudgePipeline.Progress progress) {
    synchronized (loaded) {
      return pipeline.run(plan, onDisk, sink, progress);
    }
  }

  /** Every score of {@code sample}, the tuned ones with this judge's weights. */
  public Map<ScoreMethod, Double> scores(ScoredSample sample) {
    return sample.scores(options.weights().orElse(null));
  }

  public ModelDirectory model() {
    return model;
  }

  public ModelConfig config() {
    return model.config();
  }

  /** The label set with its token ids. */
  public LabelTokens labelTokens() {
    return labelTokens;
  }

  /** The label set: the labels and their values. */
  public LabelSet labelSet() {
    return labelTokens.labelSet();
  }

  public JudgeOptions options() {
    return options;
  }

  public Optional<LayerWeights> weights() {
    return options.weights();
  }

  /**
   * The backend's provider, owned by this judge (closing the judge closes it): for callers that
   * drive decoding themselves, such as the benchmark harness timing the prefill alone.
   */
  public HiddenStateProvider provider() {
    return provider;
  }

  /** The backend that runs the model ({@code djl}, {@code onnx}). */
  public String backend() {
    return backend;
  }

  @Override
  public void close() {
    if (!owner) {
      return;
    }
    try {
      provider.close();
    } finally {
      model.close();
    }
  }
}
