package io.github.lager.hf;

import io.github.lager.core.math.LayerWeights;
import io.github.lager.core.math.Projection;
import io.github.lager.core.pipeline.Condition;
import io.github.lager.core.pipeline.PipelineOptions;
import io.github.lager.core.spi.ProviderOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link Judge} runs: which backend on which device in which dtype, the score scale, the
 * condition and decoding, the pipeline's batching, and the tuned layer weights. Immutable; the
 * defaults are the reference's (direct condition, 10 new tokens, batch 4, maximum length 2048,
 * scale 1-5, special tokens added, the best available backend on the best device).
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
  private final int points;
  private final PipelineOptions pipeline;
  private final boolean addSpecialTokens;
  private final boolean stopAtFirstScore;
  private final LayerWeights weights;

  private JudgeOptions(Builder b) {
    this.backend = b.backend;
    this.device = b.device;
    this.dtype = b.dtype;
    this.points = b.points;
    this.pipeline = b.pipeline.withMaxNewTokens(b.maxNewTokens != null ? b.maxNewTokens
        : b.pipeline.condition().defaultMaxNewTokens());
    this.addSpecialTokens = b.addSpecialTokens;
    this.stopAtFirstScore = b.stopAtFirstScore;
    this.weights = b.weights;
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

  /** K of the score scale 1..K (the tokens "1".."K"). */
  public int points() {
    return points;
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

  /** What the backend is told: {@code dtype} when set. */
  Map<String, String> providerProperties() {
    Map<String, String> p = new LinkedHashMap<>();
    if (dtype != null) {
      p.put("dtype", dtype);
    }
    return p;
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.backend = backend;
    b.device = device;
    b.dtype = dtype;
    b.points = points;
    b.pipeline = pipeline;
    b.maxNewTokens = pipeline.maxNewTokens();
    b.addSpecialTokens = addSpecialTokens;
    b.stopAtFirstScore = stopAtFirstScore;
    b.weights = weights;
    return b;
  }

  @Override
  public String toString() {
    return "JudgeOptions[backend=" + (backend == null ? "auto" : backend) + ", device=" + device
        + ", dtype=" + (dtype == null ? "default" : dtype) + ", scale 1-" + points + ", "
        + pipeline + ", specialTokens=" + addSpecialTokens + ", stopAtFirstScore="
        + stopAtFirstScore + ", weights=" + (weights != null) + "]";
  }

  /** Builds {@link JudgeOptions}; every setting starts at the reference's. */
  public static final class Builder {
    private String backend;
    private ProviderOptions.Device device = ProviderOptions.Device.AUTO;
    private String dtype;
    private int points = 5;
    private PipelineOptions pipeline = PipelineOptions.of(Condition.DIRECT);
    private Integer maxNewTokens;
    private boolean addSpecialTokens = true;
    private boolean stopAtFirstScore;
    private LayerWeights weights;

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

    public Builder points(int k) {
      if (k < 2) {
        throw new IllegalArgumentException("a score scale needs at least 2 points, got " + k);
      }
      this.points = k;
      return this;
    }

    /** Direct or reasoning; sets the new tokens to the condition's default unless given. */
    public Builder condition(Condition c) {
      this.pipeline = new PipelineOptions(Objects.requireNonNull(c, "condition"),
          c.defaultMaxNewTokens(), pipeline.batchSize(), pipeline.maxLength(), pipeline.lens(),
          pipeline.failFast());
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
