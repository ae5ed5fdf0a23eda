package io.github.lager.hf;

import io.github.lager.core.InvalidInputException;
import io.github.lager.core.math.LabelSet;
import io.github.lager.core.math.LayerWeights;
import io.github.lager.core.math.Projection;
import io.github.lager.core.pipeline.Condition;
import io.github.lager.core.pipeline.PipelineOptions;
import io.github.lager.hf.backend.ProviderOptions;
import io.github.lager.hf.template.JinjaPromptTemplate;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link Judge} runs: which backend on which device in which dtype, the label set, the
 * prompt template, the condition and decoding (with the score anchor), pairwise judging, the
 * pipeline's batching, and the tuned layer weights. Immutable; the defaults are the reference's
 * (rendered prompts, direct condition, 10 new tokens, batch 4, maximum length 2048, labels 1-5,
 * the last label token as the score position, special tokens added, the best available backend
 * on the best device). Without explicit labels, a built-in template's own label set is used
 * (pairwise: 0,1,2; emotion: 1-9).
 *
 * <pre>{@code
 * JudgeOptions o = JudgeOptions.builder().condition(Condition.REASONING).batchSize(8)
 *     .weights(LayerWeightsJson.read(Path.of("w.json"))).build();
 * }</pre>
 */
public final class JudgeOptions {
  private final String backend;
  private final ProviderOptions.Device device;
  private final String dtype;
  private final LabelSet labelSet;
  private final boolean labelsGiven;
  private final JinjaPromptTemplate template;
  private final String anchor;
  private final PipelineOptions pipeline;
  private final boolean addSpecialTokens;
  private final boolean stopAtFirstScore;
  private final LayerWeights weights;
  private final boolean reuseWeights;

  private JudgeOptions(Builder b) {
    this.backend = b.backend;
    this.device = b.device;
    this.dtype = b.dtype;
    this.template = b.template;
    this.labelsGiven = b.labelSet != null;
    this.labelSet = b.labelSet != null ? b.labelSet
        : b.template != null && b.template.builtIn().isPresent()
            ? b.template.builtIn().get().defaultLabels() : LabelSet.of(5);
    this.anchor = b.anchor;
    this.pipeline = b.pipeline.withMaxNewTokens(b.maxNewTokens != null ? b.maxNewTokens
        : b.pipeline.condition().defaultMaxNewTokens());
    this.addSpecialTokens = b.addSpecialTokens;
    this.stopAtFirstScore = b.stopAtFirstScore;
    this.weights = b.weights;
    this.reuseWeights = b.reuseWeights;
    if (pipeline.pairwise()) {
      if (template == null) {
        throw new InvalidInputException("pairwise judging (--pairwise) renders every sample in"
            + " both orders from its fields: it needs a prompt template (--template pairwise or"
            + " a file); rendered pairwise prompts are scored without --pairwise");
      }
      if (!labelSet.isPairwise()) {
        throw new InvalidInputException("pairwise judging (--pairwise) needs a pairwise label"
            + " set: three labels with the values 0 (A better), 1 (tie) and 2 (B better), e.g."
            + " --labels 0,1,2 or --labels A,B,C --values 0,2,1; got " + labelSet.describe());
      }
    }
    if (template != null) {
      template.bind(labelSet); // refuses a label set the template cannot use
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The reference's settings. */
  public static JudgeOptions defaults() {
    return builder().build();
  }

  /** The backend's name ({@code djl}, {@code onnx}); empty: {@code Backends.select}'s choice. */
  public Optional<String> backend() {
    return Optional.ofNullable(backend);
  }

  public ProviderOptions.Device device() {
    return device;
  }

  /** The compute dtype; empty: the backend's default for the device. */
  public Optional<String> dtype() {
    return Optional.ofNullable(dtype);
  }

  /**
   * The label set (without token ids; the judge looks them up): the one given, else the
   * built-in template's, else the paper's 1-5.
   */
  public LabelSet labelSet() {
    return labelSet;
  }

  /** Whether the label set was given (rather than a template's or the paper's default). */
  public boolean labelsGiven() {
    return labelsGiven;
  }

  /** The prompt template; empty: the samples hold rendered prompts. */
  public Optional<JinjaPromptTemplate> template() {
    return Optional.ofNullable(template);
  }

  /**
   * The score anchor: the score position is the first label token generated after this text;
   * empty: the last label token (the reference's rule).
   */
  public Optional<String> anchor() {
    return Optional.ofNullable(anchor);
  }

  /** Whether every sample is judged in both orders, (A, B) and (B, A). */
  public boolean pairwise() {
    return pipeline.pairwise();
  }

  /** Whether weights tuned on another label set may be used. */
  public boolean reuseWeights() {
    return reuseWeights;
  }

  /** Condition, new tokens, batch size, maximum length, lens, fail-fast. */
  public PipelineOptions pipeline() {
    return pipeline;
  }

  /** Whether the tokenizer adds its special tokens to the templated prompt (the reference does). */
  public boolean addSpecialTokens() {
    return addSpecialTokens;
  }

  /** End a row at its first score token (a deviation from the reference; off by default). */
  public boolean stopAtFirstScore() {
    return stopAtFirstScore;
  }

  /** Tuned layer weights: with them every scored sample also has its tuned scores. */
  public Optional<LayerWeights> weights() {
    return Optional.ofNullable(weights);
  }

  /** What the backend is told: the device and the dtype. */
  public ProviderOptions providerOptions() {
    return ProviderOptions.of(device, dtype);
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.backend = backend;
    b.device = device;
    b.dtype = dtype;
    b.labelSet = labelsGiven ? labelSet : null;
    b.template = template;
    b.anchor = anchor;
    b.pipeline = pipeline;
    b.maxNewTokens = pipeline.maxNewTokens();
    b.addSpecialTokens = addSpecialTokens;
    b.stopAtFirstScore = stopAtFirstScore;
    b.weights = weights;
    b.reuseWeights = reuseWeights;
    return b;
  }

  @Override
  public String toString() {
    return "JudgeOptions[backend=" + (backend == null ? "auto" : backend) + ", device=" + device
        + ", dtype=" + (dtype == null ? "default" : dtype) + ", labels " + labelSet.describe()
        + ", template=" + (template == null ? "none" : template.name()) + ", anchor="
        + (anchor == null ? "none" : "\"" + anchor + "\"") + ", " + pipeline
        + ", specialTokens=" + addSpecialTokens + ", stopAtFirstScore=" + stopAtFirstScore
        + ", weights=" + (weights != null) + ", reuseWeights=" + reuseWeights + "]";
  }

  /** Builds {@link JudgeOptions}; every setting starts at the reference's. */
  public static final class Builder {
    private String backend;
    private ProviderOptions.Device device = ProviderOptions.Device.AUTO;
    private String dtype;
    private LabelSet labelSet;
    private JinjaPromptTemplate template;
    private String anchor;
    private PipelineOptions pipeline = PipelineOptions.of(Condition.DIRECT);
    private Integer maxNewTokens;
    private boolean addSpecialTokens = true;
    private boolean stopAtFirstScore;
    private LayerWeights weights;
    private boolean reuseWeights;

    private Builder() {}

    /** {@code djl} or {@code onnx}; null: the system property, the environment, the best available. */
    public Builder backend(String name) {
      this.backend = name;
      return this;
    }

    public Builder device(ProviderOptions.Device d) {
      this.device = Objects.requireNonNull(d, "device");
      return this;
    }

    /** {@code float32}, {@code bfloat16}, {@code float16}; null: the backend's default. */
    public Builder dtype(String d) {
      this.dtype = d;
      return this;
    }

    /** The labels "1".."k" valued 1..k. */
    public Builder points(int k) {
      if (k < 2) {
        throw new IllegalArgumentException("a score scale needs at least 2 points, got " + k);
      }
      this.labelSet = LabelSet.of(k);
      return this;
    }

    /** The label set (its token ids are looked up in the model's vocabulary); null: default. */
    public Builder labelSet(LabelSet s) {
      this.labelSet = s;
      return this;
    }

    /** The prompt template that renders the samples' fields; null: rendered prompts. */
    public Builder template(JinjaPromptTemplate t) {
      this.template = t;
      return this;
    }

    /**
     * The score anchor: the score position is the first label token generated after this text
     * (e.g. {@code "Score:"}); null: the last label token, as the reference.
     */
    public Builder anchor(String text) {
      if (text != null && text.isEmpty()) {
        throw new IllegalArgumentException("an anchor must not be empty");
      }
      this.anchor = text;
      return this;
    }

    /** Judge every sample in both orders (needs a template and a pairwise label set). */
    public Builder pairwise(boolean b) {
      this.pipeline = pipeline.withPairwise(b);
      return this;
    }

    /** Allow layer weights tuned on another label set (the paper reuses 1-5 weights on 1-9). */
    public Builder reuseWeights(boolean b) {
      this.reuseWeights = b;
      return this;
    }

    /** Direct or reasoning; sets the new tokens to the condition's default unless given. */
    public Builder condition(Condition c) {
      this.pipeline = new PipelineOptions(Objects.requireNonNull(c, "condition"),
          c.defaultMaxNewTokens(), pipeline.batchSize(), pipeline.maxLength(), pipeline.lens(),
          pipeline.failFast(), pipeline.pairwise());
      return this;
    }

    /** Greedy decoding length; null: the condition's default (10 direct, 256 reasoning). */
    public Builder maxNewTokens(Integer n) {
      if (n != null && n < 1) {
        throw new IllegalArgumentException("maxNewTokens must be >= 1, got " + n);
      }
      this.maxNewTokens = n;
      return this;
    }

    public Builder batchSize(int n) {
      this.pipeline = pipeline.withBatchSize(n);
      return this;
    }

    public Builder maxLength(int n) {
      this.pipeline = pipeline.withMaxLength(n);
      return this;
    }

    public Builder lens(Projection.Lens l) {
      this.pipeline = pipeline.withLens(l);
      return this;
    }

    public Builder failFast(boolean b) {
      this.pipeline = pipeline.withFailFast(b);
      return this;
    }

    public Builder addSpecialTokens(boolean b) {
      this.addSpecialTokens = b;
      return this;
    }

    public Builder stopAtFirstScore(boolean b) {
      this.stopAtFirstScore = b;
      return this;
    }

    public Builder weights(LayerWeights w) {
      this.weights = w;
      return this;
    }

    public JudgeOptions build() {
      return new JudgeOptions(this);
    }
  }
}
