package io.github.lager.backend.djl;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import io.github.lager.core.InvalidInputException;
import io.github.lager.core.LagerException;
import io.github.lager.core.spi.BatchDecoding;
import io.github.lager.core.spi.GenerationOptions;
import io.github.lager.core.spi.HiddenStateProvider;
import io.github.lager.core.spi.ScorePositionOutput;
import io.github.lager.hf.architecture.ModelConfig;
import io.github.lager.hf.backend.ProviderOptions;
import io.github.lager.hf.model.DjlOffline;
import io.github.lager.hf.model.ModelDirectory;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link HiddenStateProvider} on DJL's PyTorch engine: the judge's decoder as TorchScript
 * written in this project ({@link TorchScriptDecoder}), greedy decoding with a KV cache.
 *
 * <p>Device: a GPU when DJL sees one, else the CPU; the {@code device} option forces one. Dtype:
 * {@code float32} (the CPU default), {@code bfloat16} (the GPU default, as transformers runs the
 * reference) or {@code float16}. Properties: {@code graph_optimizer} =
 * {@code true|false}, libtorch's graph-executor optimizations (default {@value
 * #GRAPH_OPTIMIZER_DEFAULT}, or the system property {@value #GRAPH_OPTIMIZER_PROPERTY}; see
 * docs/backends.md).
 *
 * <p>Decoding follows Hugging Face {@code generate()}: a row ends at an end-of-sequence token (or
 * at its first score token with {@link GenerationOptions#stopAtFirstScore()}); the batch stops when
 * every row has ended or after {@code maxNewTokens}. Rows that ended leave the batch (their cache
 * rows are dropped), so they cost no more compute. Hidden states are copied to Java only at steps
 * whose token is a score token, and only for those rows.
 */
public final class DjlHiddenStateProvider implements HiddenStateProvider {
  private static final Logger LOG = LoggerFactory.getLogger(DjlHiddenStateProvider.class);
  /** Whether libtorch's graph-executor optimizations are on unless the user says otherwise. */
  static final boolean GRAPH_OPTIMIZER_DEFAULT = false;
  /** The system property that sets {@code graph_optimizer} when the options do not. */
  static final String GRAPH_OPTIMIZER_PROPERTY = "lager.djl.graph_optimizer";

  private final ModelConfig config;
  private final NDManager manager;
  private final TorchScriptDecoder decoder;
  private final String device;
  private final ComputeDtype dtype;

  private DjlHiddenStateProvider(ModelConfig config, NDManager manager, TorchScriptDecoder decoder,
      String device, ComputeDtype dtype) {
    this.config = config;
    this.manager = manager;
    this.decoder = decoder;
    this.device = device;
    this.dtype = dtype;
  }

  /**
   * Loads the parsed model {@code model} (which stays the caller's): its weights go to the device
   * a layer at a time from the checkpoint's mappings, which are released once the decoder holds
   * them.
   */
  public static DjlHiddenStateProvider load(ModelDirectory model, ProviderOptions options) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(options, "options");
    DjlOffline.ensure();
    ModelConfig config = model.config();
    String optimizer = options.properties().getOrDefault("graph_optimizer",
        System.getProperty(GRAPH_OPTIMIZER_PROPERTY));
    boolean graphOptimizer = optimizer == null ? GRAPH_OPTIMIZER_DEFAULT
        : Boolean.parseBoolean(optimizer.trim());
    if (System.getProperty("ai.djl.pytorch.graph_optimizer") == null) {
      // DJL reads this when its engine starts and logs "graph executor optimizer is enabled"
      // otherwise; the decoder sets the (thread-local) switch itself on every call
      System.setProperty("ai.djl.pytorch.graph_optimizer", Boolean.toString(graphOptimizer));
    }
    Engine engine = Engine.getEngine("PyTorch");
    boolean gpu = switch (options.device()) {
      case GPU -> {
        if (engine.getGpuCount() == 0) {
          throw new LagerException("--device gpu: DJL's PyTorch engine sees no GPU (CUDA natives"
              + " are not on the class path or no GPU is present); see docs/backends.md");
        }
        yield true;
      }
      case CPU -> false;
      case AUTO -> engine.getGpuCount() > 0;
    };
    Device device = gpu ? Device.gpu() : Device.cpu();
    ComputeDtype dtype = options.dtype().map(ComputeDtype::parse)
        .orElse(ComputeDtype.defaultFor(gpu));
    NDManager manager = NDManager.newBaseManager(device, "PyTorch");
    try {
      TorchScriptDecoder decoder = TorchScriptDecoder.load(config, model.checkpoint(), manager,
          dtype, graphOptimizer);
      LOG.info("DJL backend: {} on {} in {} (libtorch {}, TorchScript decoder, graph optimizer {})",
          config.modelType(), device, dtype, engine.getVersion(), graphOptimizer ? "on" : "off");
      return new DjlHiddenStateProvider(config, manager, decoder,
          gpu ? "gpu:" + device.getDeviceId() : "cpu", dtype);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    } finally {
      model.checkpoint().releaseMappings();
    }
  }

  @Override
  public String device() {
    return device;
  }

  @Override
  public String dtype() {
    return dtype.toString();
  }

  @Override
  public int numHiddenLayers() {
    return config.numHiddenLayers();
  }

  @Override
  public int hiddenSize() {
    return config.hiddenSize();
  }

  @Override
  public List<ScorePositionOutput> generate(List<int[]> promptIds, GenerationOptions options) {
    if (promptIds.isEmpty()) {
      return List.of();
    }
    int entries = config.numHiddenLayers() + 1;
    BatchDecoding decoding = new BatchDecoding(promptIds, options, entries, config.hiddenSize());
    int batch = promptIds.size();
    int promptLength = decoding.promptLength();
    int maxPositions = config.maxPositions();
    if (maxPositions > 0 && promptLength + options.maxNewTokens() > maxPositions) {
      throw new InvalidInputException("a prompt of " + promptLength + " tokens plus "
          + options.maxNewTokens() + " new tokens is longer than the " + maxPositions
          + " positions (original_max_position_embeddings) within which lager reads this model's "
          + config.rope().type() + " rotary scaling; beyond them transformers switches to other"
          + " factors, which lager does not implement");
    }
    long[][] ids = new long[batch][promptLength];
    long[] lengths = new long[batch];
    for (int b = 0; b < batch; b++) {
      int[] p = promptIds.get(b);
      Arrays.fill(ids[b], options.padTokenId());
      for (int i = 0; i < p.length; i++) {
        ids[b][i] = p[i];
      }
      lengths[b] = p.length;
    }
    // rows[i]: the batch row of the decoder's row i (rows that ended are dropped)
    int[] rows = IntStream.range(0, batch).toArray();
    try (NDManager sub = manager.newSubManager()) {
      TorchScriptDecoder.Prefill prefill = decoder.prefill(sub, ids, lengths,
          promptLength + options.maxNewTokens() - 1);
      TorchScriptDecoder.Cache cache = prefill.cache();
      TorchScriptDecoder.Step step = prefill.step();
      try {
        NDArray rowLengths = sub.create(lengths);
        for (int fed = 0; ; fed++) {
          BatchDecoding.Step decided;
          TorchScriptDecoder.Step current = step;
          step = null;
          try (current) {
            decided = decoding.accept(decoding.toBatch(current.next(), rows));
            keepScoreStates(decoding, current, rows, decided.scoredRows());
          }
          if (!decided.more()) {
            break;
          }
          long[] live = decoding.liveRows(rows);
          if (live.length < rows.length) {
            TorchScriptDecoder.Cache kept = decoder.keep(sub, cache, live);
            cache.close();
            cache = kept;
            rows = BatchDecoding.keepRows(rows, live);
            rowLengths.close();
            long[] keptLengths = new long[rows.length];
            for (int i = 0; i < rows.length; i++) {
              keptLengths[i] = lengths[rows[i]];
            }
            rowLengths = sub.create(keptLengths);
          }
          long[] next = new long[rows.length];
          for (int i = 0; i < rows.length; i++) {
            next[i] = decoding.lastToken(rows[i]);
          }
          step = decoder.decode(sub, cache, next, rowLengths, promptLength, fed);
        }
      } finally {
        if (step != null) {
          step.close();
        }
        cache.close();
      }
    }
    return decoding.outputs();
  }

  /** Copies, in one transfer, the hidden states of the rows whose token is a score token. */
  private void keepScoreStates(BatchDecoding decoding, TorchScriptDecoder.Step step, int[] rows,
      int[] scoredRows) {
    NDArray hidden = step.hidden();
    if (scoredRows.length == 0) {
      return;
    }
    int[] local = new int[scoredRows.length];
    for (int s = 0; s < scoredRows.length; s++) {
      local[s] = indexOf(rows, scoredRows[s]);
    }
    int entries = config.numHiddenLayers() + 1;
    int h = config.hiddenSize();
    float[] states;
    try (NDArray index = hidden.getManager().create(Arrays.stream(local).asLongStream().toArray());
        NDArray picked = hidden.get(new NDIndex(":, {}", index))) {
      states = picked.toFloatArray();
    }
    for (int s = 0; s < scoredRows.length; s++) {
      decoding.keepScoreState(scoredRows[s],
          BatchDecoding.rowOf(states, s, entries, scoredRows.length, h),
          step.logSumExp()[local[s]]);
    }
  }

  private static int indexOf(int[] rows, int row) {
    for (int i = 0; i < rows.length; i++) {
      if (rows[i] == row) {
        return i;
      }
    }
    throw new IllegalStateException("row " + row + " is no longer decoding");
  }

  @Override
  public void close() {
    decoder.close();
    manager.close();
  }
}
