package io.github.lager.backend.djl;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.github.lager.core.InvalidInputException;
import io.github.lager.core.LagerException;
import io.github.lager.core.model.Checkpoint;
import io.github.lager.core.model.ModelConfig;
import io.github.lager.core.spi.BatchDecoding;
import io.github.lager.core.spi.GenerationOptions;
import io.github.lager.core.spi.HiddenStateProvider;
import io.github.lager.core.spi.ProviderOptions;
import io.github.lager.core.spi.ScorePositionOutput;
import io.github.lager.hf.DjlSettings;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link HiddenStateProvider} on DJL's PyTorch engine: a Llama-family decoder written with
 * NDArray operations from the safetensors weights ({@link Decoder}), greedy decoding with a KV
 * cache, left-padded batches with position ids taken from the attention mask.
 *
 * <p>Device: a GPU when DJL sees one (float16), else the CPU (float32); the {@code device}
 * option forces one. Properties: {@code dtype} = {@code float32} or {@code float16}.
 *
 * <p>Decoding follows Hugging Face {@code generate()}: a row that emits an end-of-sequence token is
 * finished and fed the pad token while the batch goes on; the batch stops when every row has
 * finished or after {@code maxNewTokens}. Hidden states are copied to Java only at steps whose
 * token is a score token, so memory does not grow with the number of steps.
 */
public final class DjlHiddenStateProvider implements HiddenStateProvider {
  private static final Logger LOG = LoggerFactory.getLogger(DjlHiddenStateProvider.class);

  private final ModelConfig config;
  private final NDManager manager;
  private final DecoderWeights weights;
  private final Decoder decoder;

  private DjlHiddenStateProvider(ModelConfig config, NDManager manager, DecoderWeights weights) {
    this.config = config;
    this.manager = manager;
    this.weights = weights;
    this.decoder = new Decoder(weights);
  }

  /** Loads the model of {@code options.modelDir()}. */
  public static DjlHiddenStateProvider load(ProviderOptions options) {
    Objects.requireNonNull(options, "options");
    DjlSettings.ensureOffline();
    ModelConfig config = ModelConfig.read(options.modelDir().resolve("config.json"));
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
    DataType dtype = dtype(options.properties().get("dtype"), gpu);
    NDManager manager = NDManager.newBaseManager(device, "PyTorch");
    try (Checkpoint ckpt = Checkpoint.open(options.modelDir())) {
      DecoderWeights w = DecoderWeights.load(config, ckpt, manager, dtype);
      LOG.info("DJL backend: {} on {} in {} (PyTorch {})", config.modelType(), device, dtype,
          engine.getVersion());
      return new DjlHiddenStateProvider(config, manager, w);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  private static DataType dtype(String requested, boolean gpu) {
    if (requested == null || requested.isBlank()) {
      return gpu ? DataType.FLOAT16 : DataType.FLOAT32;
    }
    return switch (requested.toLowerCase(Locale.ROOT)) {
      case "float32", "fp32" -> DataType.FLOAT32;
      case "float16", "fp16" -> DecoderWeights.checkedDtype(DataType.FLOAT16);
      default -> throw new LagerException("dtype '" + requested + "' is not available on the DJL"
          + " backend: use float32 or float16 (bfloat16 checkpoints are converted while loading;"
          + " DJL's PyTorch JNI has no bfloat16)");
    };
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
    config.slidingWindow().ifPresent(window -> {
      if (decoding.promptLength() + options.maxNewTokens() > window) {
        throw new InvalidInputException("prompt of " + decoding.promptLength() + " tokens plus "
            + options.maxNewTokens() + " new tokens exceeds the sliding window of " + window
            + " that config.json sets; lager does not implement sliding-window attention");
      }
    });
    try (NDManager sub = manager.newSubManager();
        Decoder.KvCache cache = new Decoder.KvCache(config.numHiddenLayers())) {
      boolean more = true;
      while (more) {
        // with the KV cache: the whole prompt at step 0, then only the token fed last
        try (Decoder.StepOutput out = decoder.step(sub, decoding.newTokens(),
            decoding.newPositions(), decoding.attentionMask(), cache)) {
          more = decoding.accept(argmax(out.logits()),
              () -> out.hiddenLast().toType(DataType.FLOAT32, false).toFloatArray());
        }
      }
    }
    return decoding.outputs();
  }

  private static long[] argmax(NDArray logits) {
    try (NDArray a = logits.argMax(-1)) {
      return a.toLongArray();
    }
  }

  @Override
  public void close() {
    weights.close();
    manager.close();
  }
}
