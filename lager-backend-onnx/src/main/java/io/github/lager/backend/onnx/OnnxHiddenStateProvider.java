package io.github.lager.backend.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import io.github.lager.core.InvalidInputException;
import io.github.lager.core.LagerException;
import io.github.lager.core.spi.BatchDecoding;
import io.github.lager.core.spi.GenerationOptions;
import io.github.lager.core.spi.HiddenStateProvider;
import io.github.lager.core.spi.ScorePositionOutput;
import io.github.lager.hf.ModelConfig;
import io.github.lager.hf.ModelDirectory;
import io.github.lager.hf.backend.ProviderOptions;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link HiddenStateProvider} on ONNX Runtime, running {@code model.onnx} graphs in the
 * hidden-state graph contract v1 ({@link GraphContract}) beside a Hugging Face model directory.
 *
 * <p>Contract v1 has no KV cache: each greedy step re-runs the graph on the whole (left-padded)
 * sequence so far. The CUDA execution provider is used when ONNX Runtime offers it (the
 * {@code onnxruntime_gpu} jar, with CUDA 12 libraries present) and the device is not CPU;
 * otherwise the CPU, with a log line saying which.
 */
public final class OnnxHiddenStateProvider implements HiddenStateProvider {
  public static final String GRAPH = "model.onnx";
  private static final Logger LOG = LoggerFactory.getLogger(OnnxHiddenStateProvider.class);

  private final ModelConfig config;
  private final OrtEnvironment env;
  private final OrtSession session;
  private final String device;

  private OnnxHiddenStateProvider(ModelConfig config, OrtEnvironment env, OrtSession session,
      String device) {
    this.config = config;
    this.env = env;
    this.session = session;
    this.device = device;
  }

  /**
   * Opens {@code model.onnx} beside the parsed model {@code model} (which stays the caller's) and
   * checks it against config.json. The graph computes in float32: another dtype is refused.
   */
  public static OnnxHiddenStateProvider load(ModelDirectory model, ProviderOptions options) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(options, "options");
    options.dtype().filter(d -> !d.equals("float32")).ifPresent(d -> {
      throw new InvalidInputException("--dtype " + d + ": the onnx backend's model.onnx computes"
          + " in float32; use --dtype float32 or --backend djl");
    });
    Path dir = model.dir();
    Path graph = dir.resolve(GRAPH);
    if (!Files.isRegularFile(graph)) {
      throw new InvalidInputException(dir + " has no " + GRAPH + ": the onnx backend runs a"
          + " hidden-state graph beside the Hugging Face files; " + GraphContract.HOW_TO_EXPORT);
    }
    ModelConfig config = model.config();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    OrtSession session = null;
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
      so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      String where = device(so, options.device());
      session = env.createSession(graph.toString(), so);
      GraphContract.check(GraphContract.describe(session), config, graph);
      LOG.info("ONNX backend: {} on {} (ONNX Runtime {})", config.modelType(), where,
          env.getVersion());
      return new OnnxHiddenStateProvider(config, env, session,
          where.startsWith("CUDA") ? "gpu:0" : "cpu");
    } catch (OrtException e) {
      close(session);
      throw new LagerException("ONNX Runtime cannot load " + graph + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      close(session);
      throw e;
    }
  }

  private static String device(OrtSession.SessionOptions so, ProviderOptions.Device device)
      throws OrtException {
    boolean cudaOffered = OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
    if (device == ProviderOptions.Device.CPU) {
      return "CPU (requested)";
    }
    if (!cudaOffered) {
      if (device == ProviderOptions.Device.GPU) {
        throw new LagerException("--device gpu: this ONNX Runtime has no CUDA execution provider;"
            + " build with -Pcuda (onnxruntime_gpu) and install CUDA 12 + cuDNN 9 (docs/backends.md)");
      }
      return "CPU (this ONNX Runtime has no CUDA provider)";
    }
    try {
      so.addCUDA(0);
      return "CUDA device 0";
    } catch (OrtException e) {
      if (device == ProviderOptions.Device.GPU) {
        throw new LagerException("--device gpu: the CUDA execution provider cannot start: "
            + e.getMessage() + " (it needs CUDA 12 and cuDNN 9 libraries)", e);
      }
      LOG.warn("CUDA execution provider unavailable ({}); running on the CPU", e.getMessage());
      return "CPU (CUDA provider failed to start)";
    }
  }

  @Override
  public String device() {
    return device;
  }

  @Override
  public String dtype() {
    return "float32";
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
    boolean more = true;
    try {
      while (more) {
        // contract v1 has no KV cache: the whole sequence every step
        long[] shape = {decoding.batch(), decoding.length()};
        try (OnnxTensor ids = OnnxTensor.createTensor(env, LongBuffer.wrap(BatchDecoding.rowMajor(decoding.tokens())), shape);
            OnnxTensor mask = OnnxTensor.createTensor(env,
                LongBuffer.wrap(BatchDecoding.rowMajor(decoding.attentionMask())), shape);
            OrtSession.Result out = session.run(Map.of("input_ids", ids, "attention_mask", mask))) {
          OnnxTensor hidden = (OnnxTensor) out.get("hidden_states").orElseThrow();
          OnnxTensor logits = (OnnxTensor) out.get("logits").orElseThrow();
          more = decoding.accept(argmax(logits.getFloatBuffer(), decoding.batch()),
              () -> toArray(hidden.getFloatBuffer()));
        }
      }
    } catch (OrtException e) {
      throw new LagerException("ONNX Runtime failed on a batch of " + promptIds.size() + ": "
          + e.getMessage(), e);
    }
    return decoding.outputs();
  }

  private static long[] argmax(FloatBuffer logits, int batch) {
    int vocab = logits.remaining() / batch;
    long[] out = new long[batch];
    for (int b = 0; b < batch; b++) {
      int base = b * vocab;
      int best = 0;
      float max = logits.get(base);
      for (int v = 1; v < vocab; v++) {
        float x = logits.get(base + v);
        if (x > max) {
          max = x;
          best = v;
        }
      }
      out[b] = best;
    }
    return out;
  }

  private static float[] toArray(FloatBuffer b) {
    float[] out = new float[b.remaining()];
    b.get(out);
    return out;
  }

  private static void close(OrtSession s) {
    if (s != null) {
      try {
        s.close();
      } catch (OrtException ignored) {
        // already failing
      }
    }
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new LagerException("cannot close the ONNX session", e);
    }
  }
}
