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
import io.github.lager.core.spi.ScorePositionRule;
import io.github.lager.hf.architecture.ModelConfig;
import io.github.lager.hf.backend.ProviderOptions;
import io.github.lager.hf.model.ModelDirectory;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link HiddenStateProvider} on ONNX Runtime. Two kinds of graph:
 *
 * <ul>
 *   <li><b>built</b> (the default when the directory has no {@code model.onnx}): the decoder
 *       written from the architecture registry at load time ({@link DecoderGraph}), weights read
 *       in place from the safetensors files, greedy decoding with a KV cache
 *       ({@link KvCacheDecoder}); nothing but the Hugging Face directory is needed;
 *   <li><b>contract v1</b> (when the directory has {@code model.onnx}): a graph exported by
 *       {@code tools/export_onnx.py} in the hidden-state graph contract v1 ({@link GraphContract}),
 *       which has no KV cache: each greedy step re-runs the whole (left-padded) sequence.
 * </ul>
 *
 * <p>Dtype: float32, or float16 with the built graph (bfloat16 is refused). Properties:
 * {@code graph} = {@code auto} (default), {@code built} or {@code contract-v1}; {@code decoding}
 * = {@code auto} (default: the loop on CUDA, steps on the CPU), {@code loop} or {@code steps};
 * {@code intra_op_threads} = ONNX Runtime's intra-op threads (default: its own choice, the
 * physical cores). The system properties {@value #GRAPH_PROPERTY} and {@value #THREADS_PROPERTY}
 * set them when the options do not.
 *
 * <p>The CUDA execution provider is used when ONNX Runtime offers it (the {@code onnxruntime_gpu}
 * jar with its CUDA libraries present) and the device is not CPU; otherwise the CPU, with a log
 * line saying which. With {@code decoding=steps} on CUDA, ONNX Runtime's Java API (no IO binding)
 * would copy the cache to the host and back at every step, hence the loop there (docs/onnx.md).
 */
public final class OnnxHiddenStateProvider implements HiddenStateProvider {
  public static final String GRAPH = "model.onnx";
  /** ONNX Runtime's session setting: where external data lies for a model loaded from bytes. */
  static final String EXTERNAL_DATA_FOLDER = "session.model_external_initializers_file_folder_path";
  /** The system property that sets {@code graph} when the options do not. */
  static final String GRAPH_PROPERTY = "lager.onnx.graph";
  /** The system property that sets {@code intra_op_threads} when the options do not. */
  static final String THREADS_PROPERTY = "lager.onnx.intra_op_threads";
  /** The system property that sets {@code prefill_chunk} when the options do not. */
  static final String CHUNK_PROPERTY = "lager.onnx.prefill_chunk";
  /** Prompt positions per prefill call of the built graph (docs/benchmarks.md). */
  static final int PREFILL_CHUNK_DEFAULT = 512;
  /** The system property that sets {@code prepack} when the options do not. */
  static final String PREPACK_PROPERTY = "lager.onnx.prepack";
  /** The system property that sets {@code decoding} when the options do not. */
  static final String DECODING_PROPERTY = "lager.onnx.decoding";
  private static final Logger LOG = LoggerFactory.getLogger(OnnxHiddenStateProvider.class);

  /** Which graph a directory's model runs as. */
  enum GraphKind {
    BUILT,
    CONTRACT_V1;

    /** The graph {@code options} (or the system property) choose for {@code model}. */
    static GraphKind of(ModelDirectory model, ProviderOptions options) {
      return choose(options.properties().getOrDefault("graph", System.getProperty(GRAPH_PROPERTY)),
          model.dir());
    }

    static GraphKind choose(String property, Path dir) {
      String p = property == null ? "auto" : property.trim().toLowerCase(Locale.ROOT);
      return switch (p) {
        case "auto", "" -> Files.isRegularFile(dir.resolve(GRAPH)) ? CONTRACT_V1 : BUILT;
        case "built" -> BUILT;
        case "contract-v1", "v1" -> CONTRACT_V1;
        default -> throw new InvalidInputException("onnx backend property graph='" + property
            + "': use auto, built or contract-v1");
      };
    }
  }

  /** How the built graph decodes. */
  enum Decoding {
    /** One call per step, the cache fed back as past/present ({@link KvCacheDecoder}). */
    STEPS,
    /** The greedy loop inside the graph ({@link LoopDecoder}). */
    LOOP;

    /** What {@code auto} chooses on the CPU: the faster in docs/benchmarks.md. */
    static final Decoding CPU_AUTO = STEPS;

    /**
     * The decoding {@code property} names ({@code auto}, {@code loop} or {@code steps}); auto is
     * the loop on CUDA (the cache stays on the device: without IO binding, ONNX Runtime's Java
     * API would copy it to the host at every step) and {@link #CPU_AUTO} on the CPU.
     */
    static Decoding choose(String property, boolean cuda) {
      String p = property == null ? "auto" : property.trim().toLowerCase(Locale.ROOT);
      return switch (p) {
        case "auto", "" -> cuda ? LOOP : CPU_AUTO;
        case "loop" -> LOOP;
        case "steps" -> STEPS;
        default -> throw new InvalidInputException("onnx backend property decoding='" + property
            + "': use auto, loop or steps");
      };
    }
  }

  private final ModelConfig config;
  private final OrtEnvironment env;
  private final OrtSession session;
  private final GraphKind kind;
  private final KvCacheDecoder decoder;
  /** The in-graph loop, or null: the built graph decodes by steps. */
  private final LoopDecoder loop;
  private final String device;
  private final int prefillChunk;
  private final String dtype;

  /** {@code session} (contract v1) or {@code decoder} (built), the other null. */
  private OnnxHiddenStateProvider(ModelConfig config, OrtEnvironment env, OrtSession session,
      KvCacheDecoder decoder, LoopDecoder loop, String device, int prefillChunk, String dtype) {
    this.loop = loop;
    this.dtype = dtype;
    this.config = config;
    this.env = env;
    this.session = session;
    this.kind = decoder != null ? GraphKind.BUILT : GraphKind.CONTRACT_V1;
    this.decoder = decoder;
    this.device = device;
    this.prefillChunk = prefillChunk;
  }

  /**
   * Loads the parsed model {@code model} (which stays the caller's): its {@code model.onnx}
   * (contract v1, checked against config.json), or the decoder graph built from its config.json and
   * safetensors. Both compute in float32: another dtype is refused, never approximated.
   */
  public static OnnxHiddenStateProvider load(ModelDirectory model, ProviderOptions options) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(options, "options");
    String dtype = options.dtype().map(d -> d.toLowerCase(Locale.ROOT)).orElse("float32");
    if (!dtype.equals("float32") && !dtype.equals("float16")) {
      throw new InvalidInputException("--dtype " + dtype + ": the onnx backend runs float32 or"
          + " float16 graphs (a bfloat16 checkpoint is converted once at load); use --dtype"
          + " float32, float16 or --backend djl");
    }
    boolean half = dtype.equals("float16");
    Path dir = model.dir();
    GraphKind kind = GraphKind.of(model, options);
    if (half && kind == GraphKind.CONTRACT_V1) {
      throw new InvalidInputException("--dtype float16: " + dir.resolve(GRAPH) + " is a contract-v1"
          + " graph, run as exported; float16 needs the built graph (graph=built)");
    }
    ModelConfig config = model.config();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    OrtSession session = null;
    OrtSession keep = null;
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
      so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      String threads = options.properties().getOrDefault("intra_op_threads",
          System.getProperty(THREADS_PROPERTY));
      if (threads != null && !threads.isBlank()) {
        so.setIntraOpNumThreads(Integer.parseInt(threads.trim()));
      }
      String prepack = options.properties().getOrDefault("prepack",
          System.getProperty(PREPACK_PROPERTY, "true"));
      if (!Boolean.parseBoolean(prepack.trim())) {
        so.addConfigEntry("session.disable_prepacking", "1");
      }
      int chunk = Integer.parseInt(options.properties().getOrDefault("prefill_chunk",
          System.getProperty(CHUNK_PROPERTY, Integer.toString(PREFILL_CHUNK_DEFAULT))).trim());
      if (chunk < 1) {
        throw new InvalidInputException("onnx backend property prefill_chunk=" + chunk
            + ": must be at least 1");
      }
      String where = device(so, options.device());
      if (kind == GraphKind.CONTRACT_V1) {
        Path graph = dir.resolve(GRAPH);
        if (!Files.isRegularFile(graph)) {
          throw new InvalidInputException(dir + " has no " + GRAPH + " (graph=contract-v1): "
              + GraphContract.HOW_TO_EXPORT + ", or leave graph=auto to build the decoder");
        }
        session = env.createSession(graph.toString(), so);
        GraphContract.check(GraphContract.describe(session), config, graph);
        LOG.info("ONNX backend: {} contract-v1 graph {} on {} in float32 (ONNX Runtime {})",
            config.modelType(), graph, where, env.getVersion());
      }
      Decoding decoding = Decoding.choose(options.properties().getOrDefault("decoding",
          System.getProperty(DECODING_PROPERTY)), where.startsWith("CUDA"));
      if (kind == GraphKind.BUILT) {
        session = builtSession(env, so, model, where, decoding, half);
        keep = env.createSession(DecoderGraph.keepGraph(config,
            half ? GraphWriter.FLOAT16 : GraphWriter.FLOAT).toByteArray(), so);
      }
      String resolved = where.startsWith("CUDA") ? "gpu:0" : "cpu";
      return kind == GraphKind.CONTRACT_V1
          ? new OnnxHiddenStateProvider(config, env, session, null, null, resolved, chunk,
              "float32")
          : new OnnxHiddenStateProvider(config, env, null,
              new KvCacheDecoder(env, session, keep, config, half),
              decoding == Decoding.LOOP ? new LoopDecoder(env, session, config, half) : null,
              resolved, chunk, dtype);
    } catch (OrtException e) {
      close(keep);
      close(session);
      throw new LagerException("ONNX Runtime cannot load the model of " + dir + ": "
          + e.getMessage(), e);
    } catch (RuntimeException e) {
      close(keep);
      close(session);
      throw e;
    }
  }

  /**
   * Builds the decoder graph of {@code model}'s checkpoint and opens it: ONNX Runtime reads the
   * weights from the safetensors files itself (external data), so the graph holds no weight.
   */
  private static OrtSession builtSession(OrtEnvironment env, OrtSession.SessionOptions so,
      ModelDirectory model, String where, Decoding decoding, boolean half) throws OrtException {
    long t0 = System.nanoTime();
    byte[] graph = DecoderGraph.build(model.config(), model.layout(), model.checkpoint(),
        half ? GraphWriter.FLOAT16 : GraphWriter.FLOAT, decoding == Decoding.LOOP).toByteArray();
    long t1 = System.nanoTime();
    so.addConfigEntry(EXTERNAL_DATA_FOLDER, model.dir().toAbsolutePath().normalize().toString());
    OrtSession session = env.createSession(graph, so);
    LOG.info("ONNX backend: {} decoder graph ({} decoding) built in {} ms ({} KiB, weights in"
        + " place), session ready in {} ms, on {} in {} (ONNX Runtime {})",
        model.config().modelType(), decoding.name().toLowerCase(Locale.ROOT),
        (t1 - t0) / 1_000_000, graph.length / 1024,
        (System.nanoTime() - t1) / 1_000_000, where, half ? "float16" : "float32",
        env.getVersion());
    return session;
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
  public int numHiddenLayers() {
    return config.numHiddenLayers();
  }

  @Override
  public int hiddenSize() {
    return config.hiddenSize();
  }

  @Override
  public String device() {
    return device;
  }

  /** Which graph this provider runs. */
  GraphKind graphKind() {
    return kind;
  }

  /** How the built graph decodes (steps for a contract-v1 graph, which has no cache). */
  Decoding decoding() {
    return loop != null ? Decoding.LOOP : Decoding.STEPS;
  }

  @Override
  public String dtype() {
    return dtype;
  }

  @Override
  public List<ScorePositionOutput> generate(List<int[]> promptIds, GenerationOptions options) {
    if (promptIds.isEmpty()) {
      return List.of();
    }
    try {
      if (kind == GraphKind.CONTRACT_V1) {
        return generateContractV1(promptIds, options);
      }
      // the graph decides the score step by the reference's rule only: an anchor rule needs the
      // generated text, so those decode by steps
      return loop != null && options.scorePosition() == ScorePositionRule.LAST_LABEL_TOKEN
          ? generateInLoop(promptIds, options) : generateWithCache(promptIds, options);
    } catch (OrtException e) {
      throw new LagerException("ONNX Runtime failed on a batch of " + promptIds.size() + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * Greedy decoding with the KV cache: the prefill of the right-padded prompts, then one token
   * per row per step; hidden states are copied to Java only at steps whose token is a score token.
   * Rows that end leave the batch (their cache rows are dropped), so they cost no more compute.
   */
  private List<ScorePositionOutput> generateWithCache(List<int[]> promptIds,
      GenerationOptions options) throws OrtException {
    int entries = config.numHiddenLayers() + 1;
    BatchDecoding decoding = new BatchDecoding(promptIds, options, entries, config.hiddenSize());
    int batch = promptIds.size();
    int promptLength = decoding.promptLength();
    checkPositions(promptLength, options);
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
    // rows[i]: the batch row of the decoder's row i (rows that ended are dropped, as the DJL
    // backend drops them)
    int[] rows = IntStream.range(0, batch).toArray();
    long[] rowLengths = lengths;
    KvCacheDecoder.Step step = decoder.prefill(ids, lengths, prefillChunk);
    try {
      for (int fed = 0; ; fed++) {
        BatchDecoding.Step decided = decoding.accept(decoding.toBatch(step.next, rows));
        keepScoreStates(decoding, step, rows, decided.scoredRows());
        if (!decided.more()) {
          break;
        }
        long[] live = decoding.liveRows(rows);
        if (live.length < rows.length) {
          KvCacheDecoder.Step kept = decoder.keep(step, live);
          step.close();
          step = kept;
          rows = BatchDecoding.keepRows(rows, live);
          rowLengths = new long[rows.length];
          for (int i = 0; i < rows.length; i++) {
            rowLengths[i] = lengths[rows[i]];
          }
        }
        long[] next = new long[rows.length];
        for (int i = 0; i < rows.length; i++) {
          next[i] = decoding.lastToken(rows[i]);
        }
        KvCacheDecoder.Step following = decoder.decode(step, next, rowLengths, promptLength, fed);
        step.close();
        step = following;
      }
    } finally {
      step.close();
    }
    return decoding.outputs();
  }

  /**
   * Greedy decoding inside the graph: one call after the prefill; the generated ids are replayed
   * through {@link BatchDecoding} (which decides the score steps as every backend does) and the
   * graph's score step of each row must agree with it.
   */
  private List<ScorePositionOutput> generateInLoop(List<int[]> promptIds,
      GenerationOptions options) throws OrtException {
    int entries = config.numHiddenLayers() + 1;
    BatchDecoding decoding = new BatchDecoding(promptIds, options, entries, config.hiddenSize());
    checkPositions(decoding.promptLength(), options);
    LoopDecoder.Result r = loop.run(promptIds, options, prefillChunk);
    int batch = promptIds.size();
    int[] scoredAt = new int[batch];
    Arrays.fill(scoredAt, -1);
    int steps = r.generated().length;
    for (int s = 0; s < steps; s++) {
      BatchDecoding.Step decided = decoding.accept(r.generated()[s]);
      for (int row : decided.scoredRows()) {
        scoredAt[row] = s;
      }
      if (decided.more() != (s < steps - 1)) {
        throw new LagerException("the ONNX loop graph stopped after " + steps
            + " steps where the decoding " + (decided.more() ? "goes on" : "ends at step " + s));
      }
    }
    for (int b = 0; b < batch; b++) {
      if (r.scoreStep()[b] != scoredAt[b]) {
        throw new LagerException("the ONNX loop graph took step " + r.scoreStep()[b]
            + " as row " + b + "'s score step where the decoding takes " + scoredAt[b]);
      }
      if (scoredAt[b] >= 0) {
        decoding.keepScoreState(b,
            BatchDecoding.rowOf(r.states(), b, entries, batch, config.hiddenSize()),
            r.logSumExp()[b]);
      }
    }
    return decoding.outputs();
  }

  private void checkPositions(int promptLength, GenerationOptions options) {
    int maxPositions = config.maxPositions();
    if (maxPositions > 0 && promptLength + options.maxNewTokens() > maxPositions) {
      throw new InvalidInputException("a prompt of " + promptLength + " tokens plus "
          + options.maxNewTokens() + " new tokens is longer than the " + maxPositions
          + " positions (original_max_position_embeddings) within which lager reads this model's "
          + config.rope().type() + " rotary scaling; beyond them transformers switches to other"
          + " factors, which lager does not implement");
    }
  }

  /** Copies the step's hidden states once, for the rows whose token is a score token. */
  private void keepScoreStates(BatchDecoding decoding, KvCacheDecoder.Step step, int[] rows,
      int[] scoredRows) {
    if (scoredRows.length == 0) {
      return;
    }
    float[] states = step.hiddenStates();
    int entries = config.numHiddenLayers() + 1;
    for (int row : scoredRows) {
      int local = -1;
      for (int i = 0; i < rows.length; i++) {
        if (rows[i] == row) {
          local = i;
        }
      }
      decoding.keepScoreState(row,
          BatchDecoding.rowOf(states, local, entries, rows.length, config.hiddenSize()),
          step.logSumExp[local]);
    }
  }

  private List<ScorePositionOutput> generateContractV1(List<int[]> promptIds,
      GenerationOptions options) throws OrtException {
    int entries = config.numHiddenLayers() + 1;
    BatchDecoding decoding = new BatchDecoding(promptIds, options, entries, config.hiddenSize());
    boolean more = true;
    while (more) {
      // contract v1 has no KV cache: the whole sequence every step
      long[] shape = {decoding.batch(), decoding.length()};
      try (OnnxTensor ids = OnnxTensor.createTensor(env,
              LongBuffer.wrap(BatchDecoding.rowMajor(decoding.tokens())), shape);
          OnnxTensor mask = OnnxTensor.createTensor(env,
              LongBuffer.wrap(BatchDecoding.rowMajor(decoding.attentionMask())), shape);
          OrtSession.Result out = session.run(Map.of("input_ids", ids, "attention_mask", mask))) {
        OnnxTensor hidden = (OnnxTensor) out.get("hidden_states").orElseThrow();
        OnnxTensor logits = (OnnxTensor) out.get("logits").orElseThrow();
        more = decoding.accept(argmax(logits.getFloatBuffer(), decoding.batch()),
            () -> toArray(hidden.getFloatBuffer()));
      }
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
      if (decoder != null) {
        decoder.close();
      } else {
        session.close();
      }
    } catch (OrtException e) {
      throw new LagerException("cannot close the ONNX session", e);
    }
  }
}
