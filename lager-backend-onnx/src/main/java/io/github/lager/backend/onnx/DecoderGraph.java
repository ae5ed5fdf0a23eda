package io.github.lager.backend.onnx;

import io.github.lager.backend.onnx.GraphWriter.Attr;
import io.github.lager.backend.onnx.proto.Onnx.ModelProto;
import io.github.lager.core.InvalidInputException;
import io.github.lager.hf.architecture.ModelConfig;
import io.github.lager.hf.architecture.Slot;
import io.github.lager.hf.architecture.TensorLayout;
import io.github.lager.hf.checkpoint.Checkpoint;
import io.github.lager.hf.checkpoint.FiniteWeights;
import io.github.lager.hf.checkpoint.SafetensorsFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes the decoder of a judge model as an ONNX graph, from the architecture registry (the
 * {@link ModelConfig}'s features and the {@link TensorLayout}'s tensors), computing what the DJL
 * backend's {@code decoder.py} computes for every family (Llama, Mistral, Qwen2, Qwen3, Gemma 3,
 * Phi-3), in plain ONNX ops (opset {@value GraphWriter#OPSET}), float32 (or float16: {@link
 * #build(ModelConfig, TensorLayout, Checkpoint, int, boolean)}), optionally with the whole greedy
 * loop inside ({@link #buildLoop}).
 *
 * <p>One graph serves the prefill and every decoding step (a KV cache with optimum's names):
 *
 * <ul>
 *   <li>inputs {@code input_ids}, {@code position_ids}: int64 {@code [batch, sequence]};
 *       {@code attention_bias} (and {@code sliding_attention_bias} when some layers have a
 *       window): float32 {@code [batch or 1, 1, 1, sequence, total_sequence]}, 0 where a query
 *       sees a key and -inf elsewhere, keys being the cache followed by the new tokens;
 *       {@code last_index}: int64 {@code [batch]}, the column of each row whose hidden states and
 *       next token are wanted; {@code past_key_values.{i}.key} and {@code .value}: float32
 *       {@code [batch, kv_heads, past_sequence, head_dim]} (empty at the prefill);
 *   <li>outputs {@code next_ids}: int64 {@code [batch]}, the greedy next token at
 *       {@code last_index}; {@code final_logsumexp}: float32 {@code [batch]}, the log-sum-exp of
 *       the final logits over the vocabulary there (for the probability mass on the labels);
 *       {@code hidden_states}: float32 {@code [L+1, batch, hidden]} at
 *       {@code last_index}, the last entry after the final norm; {@code present.{i}.key} and
 *       {@code .value}: the cache followed by this call's keys and values.
 * </ul>
 *
 * <p>Weights are initializers whose data stays in the checkpoint's safetensors files (ONNX
 * external data at their byte offsets, relative to the model directory): float32 tensors are
 * used where they lie; float16 and bfloat16 ones go through a Cast to float32 that ONNX Runtime
 * folds once when the session loads. Linear layers are {@code Gemm} with {@code transB=1} on the
 * checkpoint's {@code [out, in]} matrices, so no weight is transposed. Every weight is checked
 * finite while the graph is built (one scan of its bytes, {@link FiniteWeights#check}): a NaN or
 * an infinity is refused naming the tensor.
 */
final class DecoderGraph {
  static final String INPUT_IDS = "input_ids";
  static final String POSITION_IDS = "position_ids";
  static final String ATTENTION_BIAS = "attention_bias";
  static final String SLIDING_ATTENTION_BIAS = "sliding_attention_bias";
  static final String LAST_INDEX = "last_index";
  static final String NEXT_IDS = "next_ids";
  static final String HIDDEN_STATES = "hidden_states";
  static final String FINAL_LOGSUMEXP = "final_logsumexp";
  /** Metadata {@code lager.graph}: what this builder writes. */
  static final String KIND = "decoder-kv-cache-v1";
  /** Metadata {@code lager.graph} of the graph with the greedy loop inside. */
  static final String LOOP_KIND = "decoder-loop-v1";
  /** Loop graph inputs: int64 scalar, iterations after the call's own token (0: none). */
  static final String MAX_STEPS = "max_steps";
  /** int64 {@code [labels]}: the label token ids (a step whose token is one is a score step). */
  static final String LABEL_IDS = "label_ids";
  /** int64 {@code [eos]}: the tokens that end a row (never empty: pad with -1). */
  static final String EOS_IDS = "eos_ids";
  /** bool scalar: a row also ends at its first label token. */
  static final String STOP_AT_FIRST_SCORE = "stop_at_first_score";
  /** int64 {@code [batch]}: each row's prompt length (the rows are left-padded). */
  static final String PROMPT_LENGTHS = "prompt_lengths";
  /** Loop graph outputs: float32 {@code [L+1, batch, hidden]} at each row's score step. */
  static final String LOOP_HIDDEN_STATES = "score_hidden_states";
  /** float32 {@code [batch]}: the final log-sum-exp at each row's score step. */
  static final String LOOP_LOGSUMEXP = "score_logsumexp";
  /** int64 {@code [batch]}: each row's score step, -1 where none. */
  static final String SCORE_STEP = "score_step";
  /** int64 {@code [steps, batch]}: each step's greedy token (rows that ended: ignore). */
  static final String GENERATED_IDS = "generated_ids";

  static String pastKey(int layer) {
    return "past_key_values." + layer + ".key";
  }

  static String pastValue(int layer) {
    return "past_key_values." + layer + ".value";
  }

  static String presentKey(int layer) {
    return "present." + layer + ".key";
  }

  static String presentValue(int layer) {
    return "present." + layer + ".value";
  }

  private final ModelConfig c;
  private final TensorLayout layout;
  private final Checkpoint ckpt;
  private final Path modelDir;
  /** The main graph: the weights, and the nodes of a call's tokens. */
  private final GraphWriter w = new GraphWriter("lager_decoder");
  /** Where compute nodes go: {@link #w}, or the Loop's body while it is written. */
  private GraphWriter g = w;
  /** Checkpoint tensor name (or table name) -> the float32 value the graph uses. */
  private final Map<String, String> weights = new LinkedHashMap<>();
  private final boolean sliding;
  private final int group;
  /** The compute type: {@link GraphWriter#FLOAT} or {@link GraphWriter#FLOAT16}. */
  private final int ct;
  // shape pieces computed once: batch and sequence as 1-D tensors, total keys
  private String batch1;
  private String seq1;
  private String total1;

  private DecoderGraph(ModelConfig c, TensorLayout layout, Checkpoint ckpt, int computeType) {
    this.ct = computeType;
    this.c = c;
    this.layout = layout;
    this.ckpt = ckpt;
    this.modelDir = ckpt.dir();
    this.sliding = c.slidingWindow().isPresent() && c.layerKinds().indexOf('S') >= 0;
    this.group = c.numAttentionHeads() / c.numKeyValueHeads();
  }

  /**
   * The decoder graph of {@code config} over the tensors of {@code ckpt} (checked against the
   * config by {@code layout.check} beforehand).
   */
  static ModelProto build(ModelConfig config, TensorLayout layout, Checkpoint ckpt) {
    return build(config, layout, ckpt, GraphWriter.FLOAT, false);
  }

  /**
   * The decoder graph computing in {@code computeType} ({@link GraphWriter#FLOAT} or
   * {@link GraphWriter#FLOAT16}), with the greedy loop inside when {@code loop}. A float16 graph
   * keeps its weights and cache in float16 (a float16 checkpoint's bytes used in place, others
   * cast once when the session loads) and computes in float32 where transformers does in half
   * precision: the RMSNorm statistics, the rotary tables, the softmax, the final logits'
   * argmax and log-sum-exp; its hidden states and log-sum-exp come out in float32.
   */
  static ModelProto build(ModelConfig config, TensorLayout layout, Checkpoint ckpt,
      int computeType, boolean loop) {
    if (computeType != GraphWriter.FLOAT && computeType != GraphWriter.FLOAT16) {
      throw new IllegalArgumentException("compute type " + computeType);
    }
    return new DecoderGraph(config, layout, ckpt, computeType).write(loop);
  }

  /**
   * The same graph followed by the whole greedy loop ({@link #LOOP_KIND}): see
   * {@link LoopDecoder} for its extra inputs and outputs.
   */
  static ModelProto buildLoop(ModelConfig config, TensorLayout layout, Checkpoint ckpt) {
    return build(config, layout, ckpt, GraphWriter.FLOAT, true);
  }

  /** The input of {@link #keepGraph}: which cache rows to keep, in order. */
  static final String ROWS = "rows";

  /**
   * The graph that keeps some rows of a cache (when rows of a batch have ended): inputs
   * {@value #ROWS} int64 {@code [kept]} and the {@code past_key_values.*}, outputs the kept rows
   * as {@code present.*}, so that its result feeds a decoding step like a decoding step's does.
   */
  static ModelProto keepGraph(ModelConfig c, int computeType) {
    GraphWriter g = new GraphWriter("lager_keep_rows");
    String rows = g.input(ROWS, GraphWriter.INT64, "kept");
    long kvh = c.numKeyValueHeads();
    long hd = c.headDim();
    for (int i = 0; i < c.numHiddenLayers(); i++) {
      for (boolean key : new boolean[] {true, false}) {
        String past = g.input(key ? pastKey(i) : pastValue(i), computeType, "batch", kvh,
            "past_sequence", hd);
        g.output(g.op("Gather", List.of(past, rows), Attr.i("axis", 0)),
            key ? presentKey(i) : presentValue(i), computeType, "kept", kvh,
            "past_sequence", hd);
      }
    }
    return g.model(Map.of("lager.graph", "keep-rows-v1"));
  }

  /** Whether the graph has {@value #SLIDING_ATTENTION_BIAS}. */
  static boolean hasSlidingLayers(ModelConfig c) {
    return c.slidingWindow().isPresent() && c.layerKinds().indexOf('S') >= 0;
  }

  private ModelProto write(boolean loop) {
    int layers = c.numHiddenLayers();
    int kvh = c.numKeyValueHeads();
    int hd = c.headDim();
    String ids = g.input(INPUT_IDS, GraphWriter.INT64, "batch", "sequence");
    String positions = g.input(POSITION_IDS, GraphWriter.INT64, "batch", "sequence");
    String bias = g.input(ATTENTION_BIAS, GraphWriter.FLOAT, "mask_batch", 1L, 1L, "sequence",
        "total_sequence");
    String slidingBias = sliding ? g.input(SLIDING_ATTENTION_BIAS, GraphWriter.FLOAT,
        "mask_batch", 1L, 1L, "sequence", "total_sequence") : null;
    String lastIndex = g.input(LAST_INDEX, GraphWriter.INT64, "batch");
    String[] pastKeys = new String[layers];
    String[] pastValues = new String[layers];
    for (int i = 0; i < layers; i++) {
      pastKeys[i] = g.input(pastKey(i), ct, "batch", (long) kvh, "past_sequence", (long) hd);
      pastValues[i] = g.input(pastValue(i), ct, "batch", (long) kvh,
          "past_sequence", (long) hd);
    }
    Call call = call(ids, positions, bias, slidingBias, lastIndex, pastKeys, pastValues);
    g.output(call.next(), NEXT_IDS, GraphWriter.INT64, "batch");
    g.output(call.logSumExp(), FINAL_LOGSUMEXP, GraphWriter.FLOAT, "batch");
    g.output(call.hidden(), HIDDEN_STATES, GraphWriter.FLOAT, (long) (layers + 1), "batch",
        (long) c.hiddenSize());
    for (int i = 0; i < layers; i++) {
      g.output(call.keys()[i], presentKey(i), ct, "batch", (long) kvh,
          "total_sequence", (long) hd);
      g.output(call.values()[i], presentValue(i), ct, "batch", (long) kvh,
          "total_sequence", (long) hd);
    }
    if (loop) {
      writeLoop(call);
    }
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("lager.graph", loop ? LOOP_KIND : KIND);
    meta.put("lager.model_type", c.modelType());
    meta.put("lager.num_hidden_layers", Integer.toString(layers));
    meta.put("lager.hidden_size", Integer.toString(c.hiddenSize()));
    return w.model(meta);
  }

  /**
   * One run of the decoder over new tokens: the greedy next token, the final log-sum-exp and the
   * {@code [L+1, batch, hidden]} hidden states at each row's {@code lastIndex} column, and each
   * layer's keys and values (the past followed by the new ones).
   */
  private record Call(String next, String logSumExp, String hidden, String[] keys,
      String[] values) {}

  private Call call(String ids, String positions, String bias, String slidingBias,
      String lastIndex, String[] pastKeys, String[] pastValues) {
    int layers = c.numHiddenLayers();
    g.scope("shape");
    String idsShape = g.op("Shape", ids);
    batch1 = g.op("Slice", List.of(idsShape, g.longs(0), g.longs(1)));
    seq1 = g.op("Slice", List.of(idsShape, g.longs(1), g.longs(2)));
    total1 = g.op("Slice", List.of(g.op("Shape", bias), g.longs(4), g.longs(5)));
    // the flat row (b * sequence + last_index[b]) of each row's wanted column
    String batch0 = g.op("Squeeze", batch1, g.longs(0));
    String seq0 = g.op("Squeeze", seq1, g.longs(0));
    String rows = g.op("Range", List.of(g.scalarLong(0), batch0, g.scalarLong(1)));
    String wanted = g.op("Add", g.op("Mul", rows, seq0), lastIndex);

    g.scope("rotary");
    Rotary global = rotary(positions, c.rope(), "inv_freq");
    Rotary local = sliding ? rotary(positions, c.slidingRope(), "inv_freq_sliding") : global;

    g.scope("embed");
    String embed = weight(layout.tensor(Slot.EMBED).orElseThrow());
    String h = g.op("Gather", List.of(embed, g.op("Reshape", ids, g.longs(-1))), Attr.i("axis", 0));
    if (c.features().embedScale() != 1.0) {
      h = g.op("Mul", h, constant((float) c.features().embedScale()));
    }
    List<String> states = new ArrayList<>();
    states.add(g.op("Gather", List.of(h, wanted), Attr.i("axis", 0)));
    String[] keys = new String[layers];
    String[] values = new String[layers];
    for (int layer = 0; layer < layers; layer++) {
      g.scope("layers." + layer);
      boolean s = sliding && c.layerKinds().charAt(layer) == 'S';
      String[] kv = new String[] {pastKeys[layer], pastValues[layer]};
      h = layer(layer, h, s ? local : global, s ? slidingBias : bias, kv);
      keys[layer] = kv[0];
      values[layer] = kv[1];
      states.add(g.op("Gather", List.of(h, wanted), Attr.i("axis", 0)));
    }
    g.scope("final");
    String last = norm(states.get(layers), layout.tensor(Slot.FINAL_NORM).orElseThrow());
    states.set(layers, last);
    List<String> stacked = new ArrayList<>();
    for (String st : states) {
      stacked.add(g.op("Unsqueeze", st, g.longs(0)));
    }
    String hidden = toFloat(g.op("Concat", stacked, Attr.i("axis", 0)));
    String head = weight(layout.lmHead());
    String logits = toFloat(g.op("Gemm", List.of(last, head), Attr.i("transB", 1)));
    String next = g.op("ArgMax", logits, Attr.i("axis", 1), Attr.i("keepdims", 0));
    String logSumExp = g.op("ReduceLogSumExp", logits, Attr.ints("axes", 1),
        Attr.i("keepdims", 0));
    g.scope("");
    return new Call(next, logSumExp, hidden, keys, values);
  }

  /**
   * The greedy loop after a call (the prefill's last chunk, every prompt left-padded so that
   * its last token is the last column): the call's next token is step 0; a {@code Loop} feeds
   * one token per row per iteration with the cache as a loop-carried value, until every row has
   * ended or {@value #MAX_STEPS} iterations; per row it keeps the hidden states and final
   * log-sum-exp of the latest step whose token is a label token (while the row is live).
   */
  private void writeLoop(Call first) {
    int layers = c.numHiddenLayers();
    int kvh = c.numKeyValueHeads();
    int hd = c.headDim();
    long entries = layers + 1;
    g.scope("loop_inputs");
    String maxSteps = g.input(MAX_STEPS, GraphWriter.INT64);
    String labels = g.input(LABEL_IDS, GraphWriter.INT64, "labels");
    String eos = g.input(EOS_IDS, GraphWriter.INT64, "eos");
    String stop = g.input(STOP_AT_FIRST_SCORE, GraphWriter.BOOL);
    String lengths = g.input(PROMPT_LENGTHS, GraphWriter.INT64, "batch");
    // the padded prompt length: this call's total keys; each row's padding before its prompt
    String promptLength = g.op("Squeeze", total1, g.longs(0));
    String pad = g.op("Sub", promptLength, lengths);
    String score0 = member(first.next(), labels);
    String step0 = g.op("Where", List.of(score0, g.scalarLong(0), g.scalarLong(-1)));
    String finished0 = g.op("Or", member(first.next(), eos), g.op("And", score0, stop));
    String more0 = g.op("Not", allTrue(finished0));

    GraphWriter outer = g;
    GraphWriter body = new GraphWriter("lager_loop_body", "loop/");
    g = body;
    String i = g.input("loop/i", GraphWriter.INT64);
    g.input("loop/more", GraphWriter.BOOL);
    String cur = g.input("loop/token", GraphWriter.INT64, "batch");
    String finished = g.input("loop/finished", GraphWriter.BOOL, "batch");
    String kept = g.input("loop/kept_states", GraphWriter.FLOAT, entries, "batch",
        (long) c.hiddenSize());
    String keptLse = g.input("loop/kept_logsumexp", GraphWriter.FLOAT, "batch");
    String keptStep = g.input("loop/score_step", GraphWriter.INT64, "batch");
    String[] pastKeys = new String[layers];
    String[] pastValues = new String[layers];
    for (int l = 0; l < layers; l++) {
      pastKeys[l] = g.input("loop/past." + l + ".key", ct, "batch", (long) kvh,
          "past_sequence", (long) hd);
      pastValues[l] = g.input("loop/past." + l + ".value", ct, "batch",
          (long) kvh, "past_sequence", (long) hd);
    }
    g.scope("masks");
    // iteration i feeds step i's token at position length + i, into cache slot promptLength + i
    String ids = g.op("Unsqueeze", cur, g.longs(1));
    String position = g.op("Unsqueeze", g.op("Add", lengths, i), g.longs(1));
    String total = g.op("Add", g.op("Add", promptLength, i), g.scalarLong(1));
    String slot = g.op("Unsqueeze", g.op("Range", List.of(g.scalarLong(0), total,
        g.scalarLong(1))), g.longs(0));
    String padColumn = g.op("Unsqueeze", pad, g.longs(1));
    String visible = g.op("GreaterOrEqual", slot, padColumn);
    String bias = bias(visible);
    String slidingBias = null;
    if (sliding) {
      String keyPosition = g.op("Sub", slot, padColumn);
      String windowStart = g.op("Sub", position, g.scalarLong(c.slidingWindow().orElseThrow()));
      slidingBias = bias(g.op("And", visible, g.op("Greater", keyPosition, windowStart)));
    }
    String zero = g.op("Mul", cur, g.scalarLong(0));
    Call step = call(ids, position, bias, slidingBias, zero, pastKeys, pastValues);
    g.scope("bookkeeping");
    String live = g.op("Not", finished);
    String score = g.op("And", live, member(step.next(), labels));
    String keptNext = g.op("Where", List.of(g.op("Unsqueeze", score, g.longs(0, 2)),
        step.hidden(), kept));
    String lseNext = g.op("Where", List.of(score, step.logSumExp(), keptLse));
    String stepNext = g.op("Where", List.of(score, g.op("Add", i, g.scalarLong(1)), keptStep));
    String ends = g.op("Or", member(step.next(), eos), g.op("And", score, stop));
    String finishedNext = g.op("Or", finished, g.op("And", live, ends));
    g.output(g.op("Not", allTrue(finishedNext)), "loop/more_out", GraphWriter.BOOL);
    g.output(step.next(), "loop/token_out", GraphWriter.INT64, "batch");
    g.output(finishedNext, "loop/finished_out", GraphWriter.BOOL, "batch");
    g.output(keptNext, "loop/kept_states_out", GraphWriter.FLOAT, entries, "batch",
        (long) c.hiddenSize());
    g.output(lseNext, "loop/kept_logsumexp_out", GraphWriter.FLOAT, "batch");
    g.output(stepNext, "loop/score_step_out", GraphWriter.INT64, "batch");
    for (int l = 0; l < layers; l++) {
      g.output(step.keys()[l], "loop/present." + l + ".key", ct, "batch",
          (long) kvh, "total_sequence", (long) hd);
      g.output(step.values()[l], "loop/present." + l + ".value", ct, "batch",
          (long) kvh, "total_sequence", (long) hd);
    }
    g.output(step.next(), "loop/generated", GraphWriter.INT64, "batch");
    g.scope("");
    g = outer;

    g.scope("loop");
    List<String> in = new ArrayList<>(List.of(maxSteps, more0, first.next(), finished0,
        first.hidden(), first.logSumExp(), step0));
    for (int l = 0; l < layers; l++) {
      in.add(first.keys()[l]);
      in.add(first.values()[l]);
    }
    // outputs: token, finished, kept states, log-sum-exp, score step, the cache, generated ids
    String[] out = g.ops("Loop", 6 + 2 * layers, in, Attr.graph("body", body.graph()));
    String generated = g.op("Concat", List.of(g.op("Unsqueeze", first.next(), g.longs(0)),
        out[5 + 2 * layers]), Attr.i("axis", 0));
    g.output(out[2], LOOP_HIDDEN_STATES, GraphWriter.FLOAT, entries, "batch",
        (long) c.hiddenSize());
    g.output(out[3], LOOP_LOGSUMEXP, GraphWriter.FLOAT, "batch");
    g.output(out[4], SCORE_STEP, GraphWriter.INT64, "batch");
    g.output(generated, GENERATED_IDS, GraphWriter.INT64, "steps", "batch");
    g.scope("");
  }

  /** 0 where {@code visible} {@code [batch, keys]}, -inf elsewhere, as {@code [batch, 1, 1, 1, keys]}. */
  private String bias(String visible) {
    String b = g.op("Where", List.of(visible, g.scalar(0f), g.scalar(Float.NEGATIVE_INFINITY)));
    return g.op("Unsqueeze", b, g.longs(1, 2, 3));
  }

  /** Whether each of {@code ids} {@code [batch]} is one of {@code set} {@code [n]}: bool {@code [batch]}. */
  private String member(String ids, String set) {
    String equal = g.op("Equal", g.op("Unsqueeze", ids, g.longs(1)),
        g.op("Unsqueeze", set, g.longs(0)));
    String any = g.op("ReduceMax", g.op("Cast", equal, Attr.i("to", GraphWriter.FLOAT)),
        Attr.ints("axes", 1), Attr.i("keepdims", 0));
    return g.op("Cast", any, Attr.i("to", GraphWriter.BOOL));
  }

  /** Whether every element of the bool {@code [batch]} is true: a bool scalar. */
  private String allTrue(String flags) {
    String all = g.op("ReduceMin", g.op("Cast", flags, Attr.i("to", GraphWriter.FLOAT)),
        Attr.ints("axes", 0), Attr.i("keepdims", 0));
    return g.op("Cast", all, Attr.i("to", GraphWriter.BOOL));
  }

  /** cos and sin {@code [batch, 1, sequence, rotary_dim]} of the positions, float32. */
  private record Rotary(String cos, String sin) {}

  private Rotary rotary(String positions, ModelConfig.Rope rope, String name) {
    String inv = weights.computeIfAbsent(name,
        n -> w.floats(n, rope.inverseFrequencies(c.rotaryDim())));
    String pos = g.op("Unsqueeze", g.op("Cast", positions, Attr.i("to", GraphWriter.FLOAT)),
        g.longs(-1));
    String freqs = g.op("Mul", pos, inv);
    String emb = g.op("Concat", List.of(freqs, freqs), Attr.i("axis", -1));
    String cos = g.op("Cos", emb);
    String sin = g.op("Sin", emb);
    if (rope.attentionScale() != 1.0) {
      cos = g.op("Mul", cos, g.scalar((float) rope.attentionScale()));
      sin = g.op("Mul", sin, g.scalar((float) rope.attentionScale()));
    }
    return new Rotary(g.op("Unsqueeze", toCompute(cos), g.longs(1)),
        g.op("Unsqueeze", toCompute(sin), g.longs(1)));
  }

  /**
   * One decoder layer on {@code h} {@code [batch * sequence, hidden]}; {@code kv} holds the
   * layer's past keys and values on entry, the present ones (past then new) on return.
   */
  private String layer(int layer, String h, Rotary rotary, String bias, String[] kv) {
    int heads = c.numAttentionHeads();
    int kvh = c.numKeyValueHeads();
    int hd = c.headDim();
    long qw = c.queryWidth();
    long kw = c.keyValueWidth();
    String x = norm(h, tensor(Slot.INPUT_NORM, layer));
    String q;
    String k;
    String v;
    if (tensor(Slot.K, layer) == null) { // fused q/k/v
      String qkv = linear(x, Slot.Q, Slot.Q_BIAS, layer);
      String[] parts = g.ops("Split", 3, List.of(qkv, g.longs(qw, kw, kw)), Attr.i("axis", 1));
      q = parts[0];
      k = parts[1];
      v = parts[2];
    } else {
      q = linear(x, Slot.Q, Slot.Q_BIAS, layer);
      k = linear(x, Slot.K, Slot.K_BIAS, layer);
      v = linear(x, Slot.V, Slot.V_BIAS, layer);
    }
    // [batch * sequence, heads * head_dim] -> [batch, heads, sequence, head_dim]
    q = g.op("Reshape", q, g.op("Concat", List.of(batch1, seq1, g.longs(heads, hd)),
        Attr.i("axis", 0)));
    k = g.op("Reshape", k, g.op("Concat", List.of(batch1, seq1, g.longs(kvh, hd)),
        Attr.i("axis", 0)));
    v = g.op("Reshape", v, g.op("Concat", List.of(batch1, seq1, g.longs(kvh, hd)),
        Attr.i("axis", 0)));
    if (c.features().qkNorm()) {
      q = norm(q, tensor(Slot.Q_NORM, layer));
      k = norm(k, tensor(Slot.K_NORM, layer));
    }
    Attr heads1 = Attr.ints("perm", 0, 2, 1, 3);
    q = rotate(g.op("Transpose", q, heads1), rotary);
    k = rotate(g.op("Transpose", k, heads1), rotary);
    v = g.op("Transpose", v, heads1);
    String keys = g.op("Concat", List.of(kv[0], k), Attr.i("axis", 2));
    String values = g.op("Concat", List.of(kv[1], v), Attr.i("axis", 2));
    kv[0] = keys;
    kv[1] = values;
    // grouped-query attention without repeating keys and values: the query heads that share a
    // key/value head are that head's rows, [batch, kv_heads, group * sequence, head_dim]
    String qg = g.op("Mul", g.op("Reshape", q, g.longs(0, kvh, -1, hd)),
        constant((float) c.features().queryScale()));
    String scores = g.op("MatMul", qg, g.op("Transpose", keys,
        Attr.ints("perm", 0, 1, 3, 2)));
    String byQuery = g.op("Concat", List.of(batch1, g.longs(kvh, group), seq1, total1),
        Attr.i("axis", 0));
    // the softmax in float32, as transformers' eager attention computes it in half precision
    String p = toCompute(g.op("Softmax", g.op("Add", toFloat(g.op("Reshape", scores, byQuery)),
        bias), Attr.i("axis", -1)));
    String byGroup = g.op("Concat", List.of(batch1, g.longs(kvh, -1), total1), Attr.i("axis", 0));
    String attn = g.op("MatMul", g.op("Reshape", p, byGroup), values);
    attn = g.op("Transpose", g.op("Reshape", attn, g.longs(0, heads, -1, hd)), heads1);
    attn = g.op("Reshape", attn, g.longs(-1, qw));
    String o = linear(attn, Slot.O, Slot.O_BIAS, layer);
    String y;
    if (c.features().sandwichNorms()) {
      h = g.op("Add", h, norm(o, tensor(Slot.POST_ATTENTION_NORM, layer)));
      y = norm(h, tensor(Slot.PRE_FEEDFORWARD_NORM, layer));
    } else {
      h = g.op("Add", h, o);
      y = norm(h, tensor(Slot.POST_ATTENTION_NORM, layer));
    }
    String gate;
    String up;
    if (tensor(Slot.UP, layer) == null) { // fused gate/up
      String[] parts = g.ops("Split", 2, List.of(linear(y, Slot.GATE, Slot.GATE_BIAS, layer),
          g.longs(c.intermediateSize(), c.intermediateSize())), Attr.i("axis", 1));
      gate = parts[0];
      up = parts[1];
    } else {
      gate = linear(y, Slot.GATE, Slot.GATE_BIAS, layer);
      up = linear(y, Slot.UP, Slot.UP_BIAS, layer);
    }
    String a = c.features().activation() == ModelConfig.Activation.GELU_TANH ? geluTanh(gate)
        : g.op("Mul", gate, g.op("Sigmoid", gate));
    String m = g.op("Gemm", List.of(g.op("Mul", a, up), weight(tensor(Slot.DOWN, layer)),
        bias(Slot.DOWN_BIAS, layer)), Attr.i("transB", 1));
    if (c.features().sandwichNorms()) {
      m = norm(m, tensor(Slot.POST_FEEDFORWARD_NORM, layer));
    }
    return g.op("Add", h, m);
  }

  /** RoPE on {@code x} {@code [batch, heads, sequence, head_dim]}: the leading rotary_dim. */
  private String rotate(String x, Rotary r) {
    int rd = c.rotaryDim();
    int hd = c.headDim();
    String rot = x;
    String pass = null;
    if (rd < hd) {
      String[] parts = g.ops("Split", 2, List.of(x, g.longs(rd, hd - rd)), Attr.i("axis", -1));
      rot = parts[0];
      pass = parts[1];
    }
    String[] halves = g.ops("Split", 2, List.of(rot, g.longs(rd / 2, rd / 2)), Attr.i("axis", -1));
    String rotated = g.op("Concat", List.of(g.op("Neg", halves[1]), halves[0]), Attr.i("axis", -1));
    String out = g.op("Add", g.op("Mul", rot, r.cos()), g.op("Mul", rotated, r.sin()));
    return pass == null ? out : g.op("Concat", List.of(out, pass), Attr.i("axis", -1));
  }

  /** GELU with the tanh approximation, as transformers' {@code gelu_pytorch_tanh}. */
  private String geluTanh(String x) {
    String cube = g.op("Mul", g.op("Mul", x, x), x);
    String inner = g.op("Mul", g.op("Add", x, g.op("Mul", cube, constant(0.044715f))),
        constant((float) Math.sqrt(2 / Math.PI)));
    String t = g.op("Add", g.op("Tanh", inner), constant(1f));
    return g.op("Mul", g.op("Mul", x, t), constant(0.5f));
  }

  /**
   * RMSNorm over the last axis, in the pattern ONNX Runtime fuses into one kernel (Pow,
   * ReduceMean, Add, Sqrt, Div, Mul); Gemma's {@code (1 + w)} is folded at load.
   */
  private String norm(String x, TensorLayout.Tensor weight) {
    String xf = toFloat(x);
    String ms = g.op("ReduceMean", g.op("Pow", xf, g.scalar(2f)), Attr.ints("axes", -1),
        Attr.i("keepdims", 1));
    String n = g.op("Div", xf, g.op("Sqrt", g.op("Add", ms, g.scalar((float) c.rmsNormEps()))));
    String scale = weight(weight);
    if (c.features().norm() == ModelConfig.NormForm.ONE_PLUS_WEIGHT) {
      // once, in the main graph (a Loop's body would add it at every step); in float32, as
      // Gemma's norm multiplies before casting back
      String plain = scale;
      scale = weights.computeIfAbsent("1+" + weight.name(), k -> w.op("Add",
          ct == GraphWriter.FLOAT ? plain : w.op("Cast", plain, Attr.i("to", GraphWriter.FLOAT)),
          w.scalar(1f)));
      return toCompute(g.op("Mul", n, scale));
    }
    // Llama's form: the normalised value cast back, then the weight
    return g.op("Mul", toCompute(n), scale);
  }

  /** {@code x} as float32 (a Cast in a float16 graph). */
  private String toFloat(String x) {
    return ct == GraphWriter.FLOAT ? x : g.op("Cast", x, Attr.i("to", GraphWriter.FLOAT));
  }

  /** A float32 {@code x} in the compute type. */
  private String toCompute(String x) {
    return ct == GraphWriter.FLOAT ? x : g.op("Cast", x, Attr.i("to", ct));
  }

  /** A scalar in the compute type (a float16 one cast once in the main graph, folded at load). */
  private String constant(float value) {
    if (ct == GraphWriter.FLOAT) {
      return g.scalar(value);
    }
    return weights.computeIfAbsent("scalar " + Float.floatToIntBits(value),
        k -> w.op("Cast", w.scalar(value), Attr.i("to", ct)));
  }

  /** {@code x W^T + b} for {@code x} {@code [rows, in]} and the checkpoint's {@code [out, in]}. */
  private String linear(String x, Slot w, Slot b, int layer) {
    return g.op("Gemm", List.of(x, weight(tensor(w, layer)), bias(b, layer)), Attr.i("transB", 1));
  }

  /** A bias, or the empty name of an omitted optional input. */
  private String bias(Slot slot, int layer) {
    TensorLayout.Tensor t = tensor(slot, layer);
    return t == null ? "" : weight(t);
  }

  private TensorLayout.Tensor tensor(Slot slot, int layer) {
    Optional<TensorLayout.Tensor> t = layout.tensor(slot, layer);
    return t.orElse(null);
  }

  /** A checkpoint tensor in the compute type: external data, through a Cast for another dtype. */
  private String weight(TensorLayout.Tensor t) {
    String name = t.name();
    SafetensorsFile.DType dtype = ckpt.dtype(name);
    Checkpoint.Location where = ckpt.location(name);
    int type = switch (dtype) {
      case F32 -> GraphWriter.FLOAT;
      case F16 -> GraphWriter.FLOAT16;
      case BF16 -> GraphWriter.BFLOAT16;
    };
    long expected = dtype.bytes();
    for (long d : t.shape()) {
      expected *= d;
    }
    if (where.length() != expected) {
      throw new InvalidInputException(where.file() + ": tensor " + name + " has "
          + where.length() + " bytes, its shape and dtype need " + expected);
    }
    String location = modelDir.toAbsolutePath().normalize()
        .relativize(where.file().toAbsolutePath().normalize()).toString();
    // the initializer keeps the checkpoint's name; a tied head reuses the embedding's
    // (in the main graph: a Loop's body reads it from the outer scope)
    return weights.computeIfAbsent(name, n -> {
      if (FiniteWeights.enabled()) {
        // ONNX Runtime reads (and casts) the weights itself, out of reach: one scan of the
        // checkpoint's bytes here, the only read of them on the Java side
        FiniteWeights.check(ckpt, n);
      }
      w.external(n, type, t.shape(), location, where.offset(), where.length());
      return type == ct ? n : w.op("Cast", n, Attr.i("to", ct));
    });
  }
}
