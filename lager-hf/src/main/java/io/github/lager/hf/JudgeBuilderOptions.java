package io.github.lager.hf;

import io.github.lager.core.math.LayerWeights;
import io.github.lager.core.math.ScoreMethod;
import io.github.lager.hf.backend.ProviderOptions;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;

/**
 * The options every builder of a judge-backed adapter takes (the LangChain4j
 * {@code LagerDecisionModel} and the Spring AI {@code LagerEvaluator}): the model directory,
 * lager's judge options with the backend, device, dtype and layer weights set on top, the score
 * method, the batching of concurrent callers and where asynchronous responses are
 * built. An adapter's builder extends it and adds what is its own.
 *
 * @param <B> the adapter's builder, which the setters return
 */
public abstract class JudgeBuilderOptions<B extends JudgeBuilderOptions<B>> {
  private Path modelDirectory;
  private JudgeOptions judgeOptions = JudgeOptions.defaults();
  private String backend;
  private ProviderOptions.Device device;
  private String dtype;
  private LayerWeights weights;
  private ScoreMethod scoreMethod = ScoreMethod.LAGER_WO;
  private BatchingJudge.Settings batching;
  private Executor responseExecutor = ForkJoinPool.commonPool();

  protected JudgeBuilderOptions() {}

  /** This builder, as the adapter's type. */
  protected abstract B self();

  /** A Hugging Face model directory (config.json, *.safetensors, tokenizer, chat template). */
  public B modelDirectory(Path dir) {
    this.modelDirectory = Objects.requireNonNull(dir, "modelDirectory");
    return self();
  }

  /**
   * The rest of lager's judge options (condition, anchor, new tokens, batch size, ...); the
   * backend, device, dtype and weights set here override theirs.
   */
  public B judgeOptions(JudgeOptions options) {
    this.judgeOptions = Objects.requireNonNull(options, "judgeOptions");
    return self();
  }

  /** The backend ({@code djl}, {@code onnx}); default the one on the class path. */
  public B backend(String name) {
    this.backend = name;
    return self();
  }

  public B device(ProviderOptions.Device d) {
    this.device = d;
    return self();
  }

  public B dtype(String d) {
    this.dtype = d;
    return self();
  }

  /** Tuned layer weights (for the score method {@code lager_w}). */
  public B weights(LayerWeights w) {
    this.weights = w;
    return self();
  }

  /** The score reported; default LAGER without tuning ({@code lager_wo}). */
  public B scoreMethod(ScoreMethod m) {
    this.scoreMethod = Objects.requireNonNull(m, "scoreMethod");
    return self();
  }

  /** How concurrent calls are batched; default {@link BatchingJudge.Settings#forJudge}. */
  public B batching(BatchingJudge.Settings s) {
    this.batching = s;
    return self();
  }

  /** Where asynchronous calls build their responses; default the common pool. */
  public B responseExecutor(Executor e) {
    this.responseExecutor = Objects.requireNonNull(e, "responseExecutor");
    return self();
  }

  /** The model directory; fails with a one-line message when none was set. */
  public Path modelDirectory() {
    if (modelDirectory == null) {
      throw new IllegalArgumentException("modelDirectory is required: a Hugging Face model"
          + " directory");
    }
    return modelDirectory;
  }

  /**
   * The judge options as a builder: {@link #judgeOptions(JudgeOptions)} with the backend, device,
   * dtype and weights set here.
   */
  public JudgeOptions.Builder judgeOptions() {
    JudgeOptions.Builder o = judgeOptions.toBuilder();
    if (backend != null) {
      o.backend(backend);
    }
    if (device != null) {
      o.device(device);
    }
    if (dtype != null) {
      o.dtype(dtype);
    }
    if (weights != null) {
      o.weights(weights);
    }
    return o;
  }

  /**
   * The score method, checked against the built {@code options}: a tuned method needs weights.
   */
  public ScoreMethod scoreMethod(JudgeOptions options) {
    if (scoreMethod.isTuned() && options.weights().isEmpty()) {
      throw new IllegalArgumentException("the score method " + scoreMethod.key()
          + " needs tuned layer weights: set weights(...) or use " + ScoreMethod.LAGER_WO.key());
    }
    return scoreMethod;
  }

  /** The batching settings: those set, else {@link BatchingJudge.Settings#forJudge}. */
  public BatchingJudge.Settings batching(JudgeOptions options) {
    return batching != null ? batching : BatchingJudge.Settings.forJudge(options);
  }

  public Executor responseExecutor() {
    return responseExecutor;
  }
}
