package io.github.lager.backend.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.github.lager.core.spi.GenerationOptions;
import io.github.lager.hf.architecture.ModelConfig;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a {@link DecoderGraph#buildLoop} session: the whole greedy decoding of a batch in one
 * ONNX Runtime call after the prefill, the KV cache a loop-carried value of the graph's
 * {@code Loop} that never comes back to Java.
 *
 * <p>The prompts are left-padded (every row's last token in the last column, so that the last
 * prefill chunk's next token is every row's step 0); the prefill runs in chunks of query
 * positions as {@link KvCacheDecoder}'s does, the chunks before the last with {@value
 * DecoderGraph#MAX_STEPS} 0 and only their cache requested. A padding query sees itself only (so
 * that no row of the softmax is all -inf), and no real query sees a padding key.
 *
 * <p>The graph decides the score step by the reference's rule (the latest label token of a live
 * row); a rule that needs the generated text (an anchor) cannot run in the graph: the provider
 * decodes those with {@link KvCacheDecoder} instead.
 */
final class LoopDecoder {
  private static final float MASKED = Float.NEGATIVE_INFINITY;

  /**
   * What the loop produced.
   *
   * @param generated {@code [steps][batch]}: each step's greedy token (rows that ended: ignore)
   * @param states {@code [L+1][batch][hidden]} at each row's score step (rows without one: ignore)
   * @param logSumExp the final log-sum-exp at each row's score step
   * @param scoreStep each row's score step as the graph saw it, -1 where none
   */
  record Result(long[][] generated, float[] states, float[] logSumExp, long[] scoreStep) {}

  private final OrtEnvironment env;
  private final OrtSession session;
  private final ModelConfig c;
  private final boolean sliding;

  /** Whether the cache is float16 (a float16 graph). */
  private final boolean half;

  LoopDecoder(OrtEnvironment env, OrtSession session, ModelConfig config, boolean half) {
    this.half = half;
    this.env = env;
    this.session = session;
    this.c = config;
    this.sliding = DecoderGraph.hasSlidingLayers(config);
  }

  /** Decodes {@code prompts} greedily as {@code options} say, {@code chunk} prefill positions per call. */
  Result run(List<int[]> prompts, GenerationOptions options, int chunk) throws OrtException {
    int rows = prompts.size();
    int t = 0;
    for (int[] p : prompts) {
      t = Math.max(t, p.length);
    }
    long[][] ids = new long[rows][t];
    long[] lengths = new long[rows];
    for (int b = 0; b < rows; b++) {
      int[] p = prompts.get(b);
      int pad = t - p.length;
      java.util.Arrays.fill(ids[b], options.padTokenId());
      for (int i = 0; i < p.length; i++) {
        ids[b][pad + i] = p[i];
      }
      lengths[b] = p.length;
    }
    int[] labelIds = options.labelTokens().tokenIds();
    long[] labels = new long[labelIds.length];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = labelIds[i];
    }
    int[] eosIds = options.eosTokenIds();
    long[] eos = eosIds.length == 0 ? new long[] {-1} : new long[eosIds.length];
    for (int i = 0; i < eosIds.length; i++) {
      eos[i] = eosIds[i];
    }
    OrtSession.Result past = null;
    try {
      for (int from = 0; from < t; from += chunk) {
        int to = Math.min(t, from + chunk);
        boolean last = to == t;
        List<OnnxTensor> owned = new ArrayList<>();
        OrtSession.Result result;
        try {
          Map<String, OnnxTensor> in = chunkInputs(owned, ids, lengths, from, to, past);
          in.put(DecoderGraph.MAX_STEPS, OnnxTensor.createTensor(env,
              LongBuffer.wrap(new long[] {last ? options.maxNewTokens() - 1 : 0}), new long[0]));
          owned.add(in.get(DecoderGraph.MAX_STEPS));
          in.put(DecoderGraph.LABEL_IDS, longs(owned, labels, labels.length));
          in.put(DecoderGraph.EOS_IDS, longs(owned, eos, eos.length));
          OnnxTensor stop = OnnxTensor.createTensor(env, options.stopAtFirstScore());
          owned.add(stop);
          in.put(DecoderGraph.STOP_AT_FIRST_SCORE, stop);
          in.put(DecoderGraph.PROMPT_LENGTHS, longs(owned, lengths, rows));
          Set<String> wanted = new HashSet<>();
          if (last) {
            wanted.addAll(List.of(DecoderGraph.GENERATED_IDS, DecoderGraph.LOOP_HIDDEN_STATES,
                DecoderGraph.LOOP_LOGSUMEXP, DecoderGraph.SCORE_STEP));
          } else {
            for (int layer = 0; layer < c.numHiddenLayers(); layer++) {
              wanted.add(DecoderGraph.presentKey(layer));
              wanted.add(DecoderGraph.presentValue(layer));
            }
          }
          result = session.run(in, wanted);
        } finally {
          owned.forEach(OnnxTensor::close);
        }
        if (past != null) {
          past.close();
        }
        past = result;
      }
      OnnxTensor generated = KvCacheDecoder.tensor(past, DecoderGraph.GENERATED_IDS);
      long[] shape = generated.getInfo().getShape();
      long[] flat = KvCacheDecoder.longs(past, DecoderGraph.GENERATED_IDS);
      long[][] steps = new long[(int) shape[0]][rows];
      for (int s = 0; s < steps.length; s++) {
        System.arraycopy(flat, s * rows, steps[s], 0, rows);
      }
      return new Result(steps, KvCacheDecoder.floats(past, DecoderGraph.LOOP_HIDDEN_STATES),
          KvCacheDecoder.floats(past, DecoderGraph.LOOP_LOGSUMEXP),
          KvCacheDecoder.longs(past, DecoderGraph.SCORE_STEP));
    } finally {
      if (past != null) {
        past.close();
      }
    }
  }

  /**
   * The decoder inputs of prompt columns {@code [from, to)} against the cache of
   * {@code [0, from)}: causal, within the window on sliding layers, no padding key for a real
   * query, and a padding query sees itself.
   */
  private Map<String, OnnxTensor> chunkInputs(List<OnnxTensor> owned, long[][] ids,
      long[] lengths, int from, int to, OrtSession.Result past) throws OrtException {
    int rows = ids.length;
    int total = ids[0].length;
    int t = to - from;
    long[] flat = new long[rows * t];
    long[] positions = new long[rows * t];
    float[] causal = new float[rows * t * to];
    float[] windowed = sliding ? new float[rows * t * to] : null;
    int window = c.slidingWindow().orElse(0);
    for (int b = 0; b < rows; b++) {
      long pad = total - lengths[b];
      System.arraycopy(ids[b], from, flat, b * t, t);
      for (int i = 0; i < t; i++) {
        int query = from + i;
        positions[b * t + i] = Math.max(0, query - pad);
        for (int j = 0; j < to; j++) {
          boolean visible = j == query || (j < query && j >= pad);
          int at = (b * t + i) * to + j;
          causal[at] = visible ? 0f : MASKED;
          if (windowed != null) {
            windowed[at] = visible && query - j < window ? 0f : MASKED;
          }
        }
      }
    }
    long[] maskShape = {rows, 1, 1, t, to};
    long[] last = new long[rows];
    java.util.Arrays.fill(last, t - 1);
    Map<String, OnnxTensor> in = new HashMap<>();
    in.put(DecoderGraph.INPUT_IDS, longs(owned, flat, rows, t));
    in.put(DecoderGraph.POSITION_IDS, longs(owned, positions, rows, t));
    in.put(DecoderGraph.ATTENTION_BIAS, floats(owned, causal, maskShape));
    if (windowed != null) {
      in.put(DecoderGraph.SLIDING_ATTENTION_BIAS, floats(owned, windowed, maskShape));
    }
    in.put(DecoderGraph.LAST_INDEX, longs(owned, last, rows));
    OnnxTensor none = past != null ? null
        : KvCacheDecoder.emptyCache(env, owned, rows, c, half);
    for (int layer = 0; layer < c.numHiddenLayers(); layer++) {
      in.put(DecoderGraph.pastKey(layer),
          past != null ? KvCacheDecoder.tensor(past, DecoderGraph.presentKey(layer)) : none);
      in.put(DecoderGraph.pastValue(layer),
          past != null ? KvCacheDecoder.tensor(past, DecoderGraph.presentValue(layer)) : none);
    }
    return in;
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
