package io.github.lager.backend.djl;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import io.github.lager.core.LagerException;
import io.github.lager.hf.architecture.ModelConfig;
import io.github.lager.hf.checkpoint.Checkpoint;
import io.github.lager.hf.checkpoint.FiniteWeights;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The judge's decoder as TorchScript ({@code decoder.py}, compiled by libtorch at load time) run
 * through DJL's PyTorch engine: one native call per decoding step for the whole layer stack, fused
 * attention ({@code scaled_dot_product_attention}, grouped-query without repeating keys and values),
 * a KV cache preallocated for the prompt and the new tokens and written in place, masks and rotary
 * tables built on the device.
 *
 * <p>Prompts are right-padded for the prefill, so that the causal mask alone keeps padding out of
 * every real token's attention (no mask, and the fused kernels apply); decoding steps mask the
 * padding slots of the cache. The converted weights and the cache are held as opaque
 * {@link IValue}s: in bfloat16 they are tensors DJL must never wrap.
 *
 * <p>Call order: {@link #load}, then per batch {@link #prefill}, then {@link #decode} per new
 * token (with {@link #keep} when rows end), closing each {@link Cache} and {@link Step}; finally
 * {@link #close}.
 */
final class TorchScriptDecoder implements AutoCloseable {
  private static final String SOURCE = "decoder.py";
  private static final String CLASS = "Decoder";

  /** A batch's KV cache (2 tensors per layer, {@code [rows, kvHeads, capacity, headDim]}). */
  static final class Cache implements AutoCloseable {
    private final IValue tensors;

    private Cache(IValue tensors) {
      this.tensors = tensors;
    }

    @Override
    public void close() {
      tensors.close();
    }
  }

  /**
   * A step's results for its rows: the L+1 hidden states at each row's last position,
   * {@code [L+1, rows, hidden]} float32 on the device, the greedy next token of each row, and
   * each row's final-layer log-sum-exp over the vocabulary.
   */
  record Step(NDArray hidden, long[] next, float[] logSumExp) implements AutoCloseable {
    @Override
    public void close() {
      hidden.close();
    }
  }

  /** The prefill's cache and step. */
  record Prefill(Cache cache, Step step) {}

  private final String architecture;
  private final ComputeDtype dtype;
  private final PtSymbolBlock module;
  private final IValue weights;
  private final boolean graphOptimizer;

  private TorchScriptDecoder(String architecture, ComputeDtype dtype, PtSymbolBlock module,
      IValue weights, boolean graphOptimizer) {
    this.architecture = architecture;
    this.dtype = dtype;
    this.module = module;
    this.weights = weights;
    this.graphOptimizer = graphOptimizer;
  }

  /**
   * Compiles the decoder for {@code config}, copies the checkpoint's tensors to the manager's
   * device and converts them there, once, to {@code dtype}: a layer at a time, so that loading
   * needs the converted weights plus one layer's raw tensors on the device.
   *
   * @param graphOptimizer libtorch's graph-executor optimizations (profiling and fusion) for the
   *     calls of this decoder
   */
  static TorchScriptDecoder load(ModelConfig config, Checkpoint ckpt, NDManager manager,
      ComputeDtype dtype, boolean graphOptimizer) {
    String architecture = config.modelType();
    PtSymbolBlock module = compile(architecture, source(), attributes(config, dtype), manager,
        graphOptimizer);
    IValue prepared = null;
    try {
      DecoderWeights weights = new DecoderWeights(config, ckpt, manager);
      prepared = prepare(module, "prepare_globals", weights.globals(), architecture, ckpt);
      for (int layer = 0; layer < config.numHiddenLayers(); layer++) {
        try (IValue converted = prepare(module, "prepare_layer", weights.layer(layer), architecture,
            ckpt)) {
          IValue all = IValueUtils.runMethod(module, "extend", prepared, converted);
          prepared.close();
          prepared = all;
        }
      }
    } catch (EngineException e) {
      closeAll(prepared, module);
      throw failure(architecture, "prepare", e);
    } catch (RuntimeException | Error e) {
      closeAll(prepared, module);
      throw e;
    }
    return new TorchScriptDecoder(architecture, dtype, module, prepared, graphOptimizer);
  }

  /**
   * Converts raw tensors on the device with {@code method}; the raw ones are closed. The same call
   * checks that every value is finite (before converting, on the tensors as they came, while they
   * are on the device anyway): a NaN or an infinity in a weight would make every sample's hidden
   * states NaN, reported as "no score token"; it is refused naming the tensor.
   */
  private static IValue prepare(PtSymbolBlock module, String method, DecoderWeights.Raw raw,
      String architecture, Checkpoint ckpt) {
    try (raw;
        IValue list = IValue.listFrom(raw.tensors.stream().map(PtNDArray.class::cast)
            .toArray(PtNDArray[]::new));
        IValue bits = IValue.listFrom(raw.bf16Bits());
        IValue result = IValueUtils.runMethod(module, method, list, bits)) {
      IValue[] out = result.toIValueTuple();
      try (IValue bad = out[1]) {
        long i = bad.toLong();
        if (i >= 0) {
          out[0].close();
          throw FiniteWeights.refusal(ckpt.dir(), raw.names.get((int) i));
        }
      }
      return out[0];
    } catch (EngineException e) {
      throw failure(architecture, method, e);
    }
  }

  private static void closeAll(IValue prepared, PtSymbolBlock module) {
    if (prepared != null) {
      prepared.close();
    }
    module.close();
  }

  /**
   * Compiles {@code source} (a class {@value #CLASS}) with {@code attributes} on the manager's
   * device; a source libtorch cannot compile (a syntax error, an operator this libtorch lacks)
   * fails with one line naming the architecture, the method and the libtorch version.
   */
  static PtSymbolBlock compile(String architecture, String source, Map<String, Object> attributes,
      NDManager manager, boolean graphOptimizer) {
    byte[] archive = TorchScriptArchive.of(CLASS, source, attributes);
    JniUtils.setGraphExecutorOptimize(graphOptimizer);
    try {
      return JniUtils.loadModule((PtNDManager) manager, new ByteArrayInputStream(archive), true,
          false);
    } catch (EngineException e) {
      throw failure(architecture, "load", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The attributes {@code decoder.py} declares, from the model's config and features. */
  static Map<String, Object> attributes(ModelConfig c, ComputeDtype dtype) {
    ModelConfig.Features f = c.features();
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("layers", c.numHiddenLayers());
    a.put("hidden", c.hiddenSize());
    a.put("heads", c.numAttentionHeads());
    a.put("kv_heads", c.numKeyValueHeads());
    a.put("head_dim", c.headDim());
    a.put("rotary_dim", c.rotaryDim());
    a.put("rope_scale", c.rope().attentionScale());
    a.put("rope_scale_local", c.slidingRope().attentionScale());
    a.put("eps", c.rmsNormEps());
    a.put("norm_plus_one", f.norm() == ModelConfig.NormForm.ONE_PLUS_WEIGHT);
    a.put("qk_norm", f.qkNorm());
    a.put("sandwich_norms", f.sandwichNorms());
    a.put("gelu", f.activation() == ModelConfig.Activation.GELU_TANH);
    a.put("embed_scale", f.embedScale());
    a.put("query_scale", f.queryScale());
    a.put("window", c.slidingWindow().orElse(0));
    a.put("layer_kinds", c.layerKinds());
    a.put("dtype", dtype.scalarType());
    return a;
  }

  /**
   * Runs the prompts and fills a new cache.
   *
   * @param ids {@code [rows][promptLength]}, each prompt followed by padding
   * @param lengths real tokens per row
   * @param capacity cache slots: the prompt length plus the tokens still to feed
   */
  Prefill prefill(NDManager m, long[][] ids, long[] lengths, int capacity) {
    try (NDArray idArray = longs(m, ids);
        NDArray lengthArray = m.create(lengths);
        IValue idValue = IValue.from((PtNDArray) idArray);
        IValue lengthValue = IValue.from((PtNDArray) lengthArray);
        IValue capacityValue = IValue.from((long) capacity)) {
      IValue[] out = run("prefill", weights, idValue, lengthValue, capacityValue);
      Cache cache = new Cache(out[0]);
      try {
        return new Prefill(cache, step(m, out[1], out[2], out[3]));
      } catch (RuntimeException e) {
        cache.close();
        throw e;
      }
    }
  }

  /**
   * Feeds one token per row.
   *
   * @param lengths the rows' prompt lengths, {@code [rows]} int64 on the device
   * @param promptLength the padded prompt length (the cache slot of the first new token)
   * @param fed new tokens already in the cache
   */
  Step decode(NDManager m, Cache cache, long[] ids, NDArray lengths, int promptLength, int fed) {
    try (NDArray idArray = m.create(ids);
        IValue idValue = IValue.from((PtNDArray) idArray);
        IValue lengthValue = IValue.from((PtNDArray) lengths);
        IValue promptValue = IValue.from((long) promptLength);
        IValue fedValue = IValue.from((long) fed)) {
      IValue[] out = run("decode", weights, cache.tensors, idValue, lengthValue, promptValue,
          fedValue);
      return step(m, out[0], out[1], out[2]);
    }
  }

  /** The cache of {@code rows} only (indices into the current rows), in that order. */
  Cache keep(NDManager m, Cache cache, long[] rows) {
    try (NDArray rowArray = m.create(rows);
        IValue rowValue = IValue.from((PtNDArray) rowArray)) {
      return new Cache(IValueUtils.runMethod(module, "keep", cache.tensors, rowValue));
    } catch (EngineException e) {
      throw failure(architecture, "keep", e);
    }
  }

  private Step step(NDManager m, IValue hidden, IValue next, IValue logSumExp) {
    try (hidden; next; logSumExp; PtNDArray nextArray = next.toTensor((PtNDManager) m);
        PtNDArray lseArray = logSumExp.toTensor((PtNDManager) m)) {
      return new Step(hidden.toTensor((PtNDManager) m), nextArray.toLongArray(),
          lseArray.toFloatArray());
    }
  }

  /** Runs a method whose result is a tuple; the elements are the caller's to close. */
  private IValue[] run(String method, IValue... inputs) {
    JniUtils.setGraphExecutorOptimize(graphOptimizer); // a thread-local setting in libtorch
    try (IValue result = IValueUtils.runMethod(module, method, inputs)) {
      return result.toIValueTuple();
    } catch (EngineException e) {
      throw failure(architecture, method, e);
    }
  }

  private static NDArray longs(NDManager m, long[][] rows) {
    int cols = rows[0].length;
    long[] flat = new long[rows.length * cols];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * cols, cols);
    }
    return m.create(flat, new Shape(rows.length, cols));
  }

  /**
   * A failure of the TorchScript decoder, named by architecture, method and libtorch version:
   * libtorch's message (a compilation error, an operator this libtorch lacks, out of memory) up to
   * its first blank line.
   */
  static LagerException failure(String architecture, String method, RuntimeException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
    int cut = message.indexOf("\n\n");
    String first = (cut > 0 ? message.substring(0, cut) : message).replace('\n', ' ');
    return new LagerException("DJL backend: the TorchScript decoder for " + architecture
        + " failed in " + method + " on libtorch " + libtorchVersion() + ": " + first, e);
  }

  private static String libtorchVersion() {
    try {
      return ai.djl.engine.Engine.getEngine("PyTorch").getVersion();
    } catch (RuntimeException e) {
      return "(unknown version)";
    }
  }

  static String source() {
    try (InputStream in = TorchScriptDecoder.class.getResourceAsStream(SOURCE)) {
      if (in == null) {
        throw new LagerException("the TorchScript decoder source " + SOURCE
            + " is missing from the lager-backend-djl jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  ComputeDtype dtype() {
    return dtype;
  }

  @Override
  public void close() {
    weights.close();
    module.close();
  }
}
