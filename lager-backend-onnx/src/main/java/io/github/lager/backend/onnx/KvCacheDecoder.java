package io.github.lager.backend.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.github.lager.core.LagerException;
import io.github.lager.hf.architecture.ModelConfig;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a {@link DecoderGraph} session: the prefill of right-padded prompts, then one token per
 * row per step against the KV cache. The cache is the previous call's {@code present.*} outputs,
 * fed back as the next call's {@code past_key_values.*} inputs without leaving ONNX Runtime's
 * tensors (host memory on the CPU); attention masks are built here, as additive biases.
 *
 * <p>Cache layout (as the DJL backend's): the prefill's {@code promptLength} slots (each prompt
 * then its padding), then one slot per fed token; a row's fed token {@code i} sits at position
 * {@code length + i}. Decoding steps mask the padding slots.
 *
 * <p>Call order: {@link #prefill}, then {@link #decode} per new token with the previous
 * {@link Step}, closing each step once the next one has run (or at the end).
 */
final class KvCacheDecoder {
  private static final float MASKED = Float.NEGATIVE_INFINITY;

  /**
   * A call's results: the greedy next token and the final logits' log-sum-exp per row, the
   * {@code [L+1, rows, hidden]} hidden states (read only when needed) and the cache, owned by
   * {@code result}.
   */
  static final class Step implements AutoCloseable {
    private final OrtSession.Result result;
    final long[] next;
    final float[] logSumExp;
    /** Hidden states gathered from several prefill chunks, or null: read from {@code result}. */
    private final float[] gathered;

    private Step(OrtSession.Result result, long[] next, float[] logSumExp, float[] gathered) {
      this.result = result;
      this.next = next;
      this.logSumExp = logSumExp;
      this.gathered = gathered;
    }

    /** The hidden states, {@code [L+1][rows][hidden]} row-major; copied on each call. */
    float[] hiddenStates() {
      return gathered != null ? gathered.clone() : read(result);
    }

    @Override
    public void close() {
      result.close();
    }
  }

  private final OrtEnvironment env;
  private final OrtSession session;
  private final OrtSession keep;
  private final ModelConfig c;
  private final boolean sliding;
  /** Whether the cache is float16 (a float16 graph). */
  private final boolean half;
  /** Whether the session is a {@link DecoderGraph#buildLoop} graph, run here with no loop. */
  private final boolean loopGraph;
  /** The outputs a call needs (a loop graph's loop outputs are not). */
  private final java.util.Set<String> callOutputs = new java.util.HashSet<>();

  /**
   * @param session the {@link DecoderGraph} session
   * @param keep the {@link DecoderGraph#keepGraph} session
   */
  KvCacheDecoder(OrtEnvironment env, OrtSession session, OrtSession keep, ModelConfig config,
      boolean half) {
    this.half = half;
    this.env = env;
    this.session = session;
    this.keep = keep;
    this.c = config;
    this.sliding = DecoderGraph.hasSlidingLayers(config);
    this.loopGraph = session.getInputNames().contains(DecoderGraph.MAX_STEPS);
    callOutputs.addAll(List.of(DecoderGraph.NEXT_IDS, DecoderGraph.FINAL_LOGSUMEXP,
        DecoderGraph.HIDDEN_STATES));
    for (int layer = 0; layer < config.numHiddenLayers(); layer++) {
      callOutputs.add(DecoderGraph.presentKey(layer));
      callOutputs.add(DecoderGraph.presentValue(layer));
    }
  }

  /**
   * Runs one call of the decoder; on a loop graph, with the loop's inputs set so that it runs no
   * iteration ({@value DecoderGraph#MAX_STEPS} 0) and only the call's outputs requested.
   */
  private OrtSession.Result call(Map<String, OnnxTensor> in, List<OnnxTensor> owned, int rows)
      throws OrtException {
    if (!loopGraph) {
      return session.run(in);
    }
    in.put(DecoderGraph.MAX_STEPS, longs(owned, new long[] {0}));
    in.put(DecoderGraph.LABEL_IDS, longs(owned, new long[] {-1}, 1));
    in.put(DecoderGraph.EOS_IDS, longs(owned, new long[] {-1}, 1));
    OnnxTensor stop = OnnxTensor.createTensor(env, false);
    owned.add(stop);
    in.put(DecoderGraph.STOP_AT_FIRST_SCORE, stop);
    long[] ones = new long[rows];
    java.util.Arrays.fill(ones, 1);
    in.put(DecoderGraph.PROMPT_LENGTHS, longs(owned, ones, rows));
    return session.run(in, callOutputs);
  }

  /**
   * The cache of {@code rows} only (indices into {@code previous}'s rows, in that order), as a
   * step to decode from (its {@code next} is empty); {@code previous} stays the caller's to close.
   */
  Step keep(Step previous, long[] rows) throws OrtException {
    List<OnnxTensor> owned = new ArrayList<>();
    try {
      Map<String, OnnxTensor> in = new HashMap<>();
      in.put(DecoderGraph.ROWS, longs(owned, rows, rows.length));
      for (int layer = 0; layer < c.numHiddenLayers(); layer++) {
        in.put(DecoderGraph.pastKey(layer), tensor(previous.result, DecoderGraph.presentKey(layer)));
        in.put(DecoderGraph.pastValue(layer),
            tensor(previous.result, DecoderGraph.presentValue(layer)));
      }
      return new Step(keep.run(in), new long[0], new float[0], null);
    } finally {
      owned.forEach(OnnxTensor::close);
    }
  }

  /** Closes the sessions. */
  void close() throws OrtException {
    try {
      keep.close();
    } finally {
      session.close();
    }
  }

  /**
   * Runs the prompts, {@code chunk} query positions per call (so that attention scores are
   * {@code chunk x keys}, not {@code prompt x prompt}); each chunk attends to the cache the
   * previous ones filled.
   *
   * @param ids {@code [rows][promptLength]}, each prompt followed by padding
   * @param lengths real tokens per row
   */
  Step prefill(long[][] ids, long[] lengths, int chunk) throws OrtException {
    int rows = ids.length;
    int t = ids[0].length;
    OrtSession.Result cache = null;
    long[] next = new long[rows];
    float[] logSumExp = new float[rows];
    float[] gathered = null;
    int entries = c.numHiddenLayers() + 1;
    int hidden = c.hiddenSize();
    try {
      for (int from = 0; from < t; from += chunk) {
        int to = Math.min(t, from + chunk);
        OrtSession.Result result = prefillChunk(ids, lengths, from, to, cache);
        if (cache != null) {
          cache.close();
        }
        cache = result;
        long[] chunkNext = longs(result, DecoderGraph.NEXT_IDS);
        float[] chunkLogSumExp = floats(result, DecoderGraph.FINAL_LOGSUMEXP);
        boolean whole = from == 0 && to == t;
        float[] states = whole ? null : read(result);
        if (!whole && gathered == null) {
          gathered = new float[entries * rows * hidden];
        }
        for (int b = 0; b < rows; b++) {
          long last = lengths[b] - 1;
          if (last >= from && last < to) {
            next[b] = chunkNext[b];
            logSumExp[b] = chunkLogSumExp[b];
            if (states != null) {
              for (int l = 0; l < entries; l++) {
                int at = (l * rows + b) * hidden;
                System.arraycopy(states, at, gathered, at, hidden);
              }
            }
          }
        }
      }
      return new Step(cache, next, logSumExp, gathered);
    } catch (OrtException | RuntimeException e) {
      if (cache != null) {
        cache.close();
      }
      throw e;
    }
  }

  /** Prompt positions {@code [from, to)} of every row against the cache of {@code [0, from)}. */
  private OrtSession.Result prefillChunk(long[][] ids, long[] lengths, int from, int to,
      OrtSession.Result past) throws OrtException {
    int rows = ids.length;
    int t = to - from;
    long[] flat = new long[rows * t];
    long[] positions = new long[rows * t];
    for (int b = 0; b < rows; b++) {
      System.arraycopy(ids[b], from, flat, b * t, t);
      for (int i = 0; i < t; i++) {
        positions[b * t + i] = from + i;
      }
    }
    // causal, and within the window on sliding layers; one mask for every row (right padding
    // keeps the pads after each prompt's real tokens)
    float[] causal = new float[t * to];
    float[] windowed = sliding ? new float[t * to] : null;
    int window = c.slidingWindow().orElse(0);
    for (int i = 0; i < t; i++) {
      int query = from + i;
      for (int j = 0; j < to; j++) {
        boolean visible = j <= query;
        causal[i * to + j] = visible ? 0f : MASKED;
        if (windowed != null) {
          windowed[i * to + j] = visible && query - j < window ? 0f : MASKED;
        }
      }
    }
    long[] last = new long[rows];
    for (int b = 0; b < rows; b++) {
      last[b] = Math.max(0, Math.min(t - 1, lengths[b] - 1 - from));
    }
    long[] maskShape = {1, 1, 1, t, to};
    List<OnnxTensor> owned = new ArrayList<>();
    try {
      Map<String, OnnxTensor> in = new HashMap<>();
      in.put(DecoderGraph.INPUT_IDS, longs(owned, flat, rows, t));
      in.put(DecoderGraph.POSITION_IDS, longs(owned, positions, rows, t));
      in.put(DecoderGraph.ATTENTION_BIAS, floats(owned, causal, maskShape));
      if (windowed != null) {
        in.put(DecoderGraph.SLIDING_ATTENTION_BIAS, floats(owned, windowed, maskShape));
      }
      in.put(DecoderGraph.LAST_INDEX, longs(owned, last, rows));
      OnnxTensor none = past != null ? null : emptyCache(env, owned, rows, c, half);
      for (int layer = 0; layer < c.numHiddenLayers(); layer++) {
        in.put(DecoderGraph.pastKey(layer),
            past != null ? tensor(past, DecoderGraph.presentKey(layer)) : none);
        in.put(DecoderGraph.pastValue(layer),
            past != null ? tensor(past, DecoderGraph.presentValue(layer)) : none);
      }
      return call(in, owned, rows);
    } finally {
      owned.forEach(OnnxTensor::close);
    }
  }

  /**
   * Feeds one token per row against {@code previous}'s cache (which stays open: the caller closes
   * it after this call).
   *
   * @param lengths the rows' prompt lengths
   * @param promptLength the padded prompt length (the cache slot of the first fed token)
   * @param fed tokens already fed after the prompt
   */
  Step decode(Step previous, long[] ids, long[] lengths, int promptLength, int fed)
      throws OrtException {
    int rows = ids.length;
    int seen = promptLength + fed + 1;
    float[] visible = new float[rows * seen];
    float[] local = sliding ? new float[rows * seen] : null;
    int window = c.slidingWindow().orElse(0);
    long[] positions = new long[rows];
    for (int b = 0; b < rows; b++) {
      long position = lengths[b] + fed;
      positions[b] = position;
      for (int j = 0; j < seen; j++) {
        boolean v = j < lengths[b] || j >= promptLength;
        visible[b * seen + j] = v ? 0f : MASKED;
        if (local != null) {
          long keyPosition = j < promptLength ? j : j - promptLength + lengths[b];
          local[b * seen + j] = v && keyPosition > position - window ? 0f : MASKED;
        }
      }
    }
    long[] maskShape = {rows, 1, 1, 1, seen};
    List<OnnxTensor> owned = new ArrayList<>();
    try {
      Map<String, OnnxTensor> in = new HashMap<>();
      in.put(DecoderGraph.INPUT_IDS, longs(owned, ids, rows, 1));
      in.put(DecoderGraph.POSITION_IDS, longs(owned, positions, rows, 1));
      in.put(DecoderGraph.ATTENTION_BIAS, floats(owned, visible, maskShape));
      if (local != null) {
        in.put(DecoderGraph.SLIDING_ATTENTION_BIAS, floats(owned, local, maskShape));
      }
      in.put(DecoderGraph.LAST_INDEX, longs(owned, new long[rows], rows));
      for (int layer = 0; layer < c.numHiddenLayers(); layer++) {
        in.put(DecoderGraph.pastKey(layer), tensor(previous.result, DecoderGraph.presentKey(layer)));
        in.put(DecoderGraph.pastValue(layer),
            tensor(previous.result, DecoderGraph.presentValue(layer)));
      }
      return run(in, owned, rows);
    } finally {
      owned.forEach(OnnxTensor::close);
    }
  }

  private Step run(Map<String, OnnxTensor> in, List<OnnxTensor> owned, int rows)
      throws OrtException {
    OrtSession.Result result = call(in, owned, rows);
    try {
      return new Step(result, longs(result, DecoderGraph.NEXT_IDS),
          floats(result, DecoderGraph.FINAL_LOGSUMEXP), null);
    } catch (RuntimeException e) {
      result.close();
      throw e;
    }
  }

  static long[] longs(OrtSession.Result result, String name) {
    LongBuffer b = tensor(result, name).getLongBuffer();
    long[] out = new long[b.remaining()];
    b.get(out);
    return out;
  }

  private static float[] read(OrtSession.Result result) {
    return floats(result, DecoderGraph.HIDDEN_STATES);
  }

  static float[] floats(OrtSession.Result result, String name) {
    FloatBuffer b = tensor(result, name).getFloatBuffer();
    float[] out = new float[b.remaining()];
    b.get(out);
    return out;
  }

  /** The empty cache of a prefill's first call, {@code [rows, kv_heads, 0, head_dim]}. */
  static OnnxTensor emptyCache(OrtEnvironment env, List<OnnxTensor> owned, int rows,
      ModelConfig c, boolean half) throws OrtException {
    long[] shape = {rows, c.numKeyValueHeads(), 0, c.headDim()};
    OnnxTensor t = half
        ? OnnxTensor.createTensor(env, java.nio.ShortBuffer.allocate(0), shape,
            ai.onnxruntime.OnnxJavaType.FLOAT16)
        : OnnxTensor.createTensor(env, FloatBuffer.allocate(0), shape);
    owned.add(t);
    return t;
  }

  static OnnxTensor tensor(OrtSession.Result result, String name) {
    OnnxValue v = result.get(name).orElseThrow(() -> new LagerException(
        "the built ONNX decoder has no output " + name));
    return (OnnxTensor) v;
  }

  private OnnxTensor longs(List<OnnxTensor> owned, long[] values, long... shape)
      throws OrtException {
    OnnxTensor t = OnnxTensor.createTensor(env, LongBuffer.wrap(values), shape);
    owned.add(t);
    return t;
  }

  private OnnxTensor floats(List<OnnxTensor> owned, float[] values, long[] shape)
      throws OrtException {
    OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(values), shape);
    owned.add(t);
    return t;
  }
}
