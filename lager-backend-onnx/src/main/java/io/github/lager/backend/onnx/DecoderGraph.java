package io.github.lager.backend.onnx;

import io.github.lager.backend.onnx.GraphWriter.Attr;
import io.github.lager.backend.onnx.proto.Onnx.ModelProto;
import io.github.lager.core.InvalidInputException;
import io.github.lager.hf.architecture.ModelConfig;
import io.github.lager.hf.architecture.Slot;
import io.github.lager.hf.architecture.TensorLayout;
import io.github.lager.hf.checkpoint.Checkpoint;
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
 * Phi-3), in plain ONNX ops (opset {@value GraphWriter#OPSET}), float32.
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
 * checkpoint's {@code [out, in]} matrices, so no weight is transposed.
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
  private final GraphWriter g = new GraphWriter("lager_decoder");
  /** Checkpoint tensor name -> the float32 value the graph uses. */
  private final Map<String, String> weights = new LinkedHashMap<>();
  private final boolean sliding;
  private final int group;
  // shape pieces computed once: batch and sequence as 1-D tensors, total keys
  private String batch1;
  private String seq1;
  private String total1;

  private DecoderGraph(ModelConfig c, TensorLayout layout, Checkpoint ckpt) {
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
    return new DecoderGraph(config, layout, ckpt).write();
  }

  /** The input of {@link #keepGraph}: which cache rows to keep, in order. */
  static final String ROWS = "rows";

  /**
   * The graph that keeps some rows of a cache (when rows of a batch have ended): inputs
   * {@value #ROWS} int64 {@code [kept]} and the {@code past_key_values.*}, outputs the kept rows
   * as {@code present.*}, so that its result feeds a decoding step like a decoding step's does.
   */
  static ModelProto keepGraph(ModelConfig c) {
    GraphWriter g = new GraphWriter("lager_keep_rows");
    String rows = g.input(ROWS, GraphWriter.INT64, "kept");
    long kvh = c.numKeyValueHeads();
    long hd = c.headDim();
    for (int i = 0; i < c.numHiddenLayers(); i++) {
      for (boolean key : new boolean[] {true, false}) {
        String past = g.input(key ? pastKey(i) : pastValue(i), GraphWriter.FLOAT, "batch", kvh,
            "past_sequence", hd);
        g.output(g.op("Gather", List.of(past, rows), Attr.i("axis", 0)),
            key ? presentKey(i) : presentValue(i), GraphWriter.FLOAT, "kept", kvh,
            "past_sequence", hd);
      }
    }
    return g.model(Map.of("lager.graph", "keep-rows-v1"));
  }

  /** Whether the graph has {@value #SLIDING_ATTENTION_BIAS}. */
  static boolean hasSlidingLayers(ModelConfig c) {
    return c.slidingWindow().isPresent() && c.layerKinds().indexOf('S') >= 0;
  }

  private ModelProto write() {
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
    for (int i = 0; i < layers; i++) {
      g.input(pastKey(i), GraphWriter.FLOAT, "batch", (long) kvh, "past_sequence", (long) hd);
      g.input(pastValue(i), GraphWriter.FLOAT, "batch", (long) kvh, "past_sequence", (long) hd);
    }

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
      h = g.op("Mul", h, g.scalar((float) c.features().embedScale()));
    }
    List<String> states = new ArrayList<>();
    states.add(g.op("Gather", List.of(h, wanted), Attr.i("axis", 0)));
    for (int layer = 0; layer < layers; layer++) {
      g.scope("layers." + layer);
      boolean s = sliding && c.layerKinds().charAt(layer) == 'S';
      h = layer(layer, h, s ? local : global, s ? slidingBias : bias);
      states.add(g.op("Gather", List.of(h, wanted), Attr.i("axis", 0)));
    }
    g.scope("final");
    String last = norm(states.get(layers), layout.tensor(Slot.FINAL_NORM).orElseThrow());
    states.set(layers, last);
    List<String> stacked = new ArrayList<>();
    for (String st : states) {
      stacked.add(g.op("Unsqueeze", st, g.longs(0)));
    }
    String hidden = g.op("Concat", stacked, Attr.i("axis", 0));
    String head = weight(layout.lmHead());
    String logits = g.op("Gemm", List.of(last, head), Attr.i("transB", 1));
    String next = g.op("ArgMax", logits, Attr.i("axis", 1), Attr.i("keepdims", 0));
    String logSumExp = g.op("ReduceLogSumExp", logits, Attr.ints("axes", 1),
        Attr.i("keepdims", 0));
    g.output(next, NEXT_IDS, GraphWriter.INT64, "batch");
    g.output(logSumExp, FINAL_LOGSUMEXP, GraphWriter.FLOAT, "batch");
    g.output(hidden, HIDDEN_STATES, GraphWriter.FLOAT, (long) (layers + 1), "batch",
        (long) c.hiddenSize());
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("lager.graph", KIND);
    meta.put("lager.model_type", c.modelType());
    meta.put("lager.num_hidden_layers", Integer.toString(layers));
    meta.put("lager.hidden_size", Integer.toString(c.hiddenSize()));
    return g.model(meta);
  }

  /** cos and sin {@code [batch, 1, sequence, rotary_dim]} of the positions, float32. */
  private record Rotary(String cos, String sin) {}

  private Rotary rotary(String positions, ModelConfig.Rope rope, String name) {
    String inv = g.floats(name, rope.inverseFrequencies(c.rotaryDim()));
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
    return new Rotary(g.op("Unsqueeze", cos, g.longs(1)), g.op("Unsqueeze", sin, g.longs(1)));
  }

  /** One decoder layer on {@code h} {@code [batch * sequence, hidden]}. */
  private String layer(int layer, String h, Rotary rotary, String bias) {
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
    String keys = g.op("Concat", List.of(pastKey(layer), k), Attr.i("axis", 2));
    String values = g.op("Concat", List.of(pastValue(layer), v), Attr.i("axis", 2));
    g.output(keys, presentKey(layer), GraphWriter.FLOAT, "batch", (long) kvh, "total_sequence",
        (long) hd);
    g.output(values, presentValue(layer), GraphWriter.FLOAT, "batch", (long) kvh,
        "total_sequence", (long) hd);
    // grouped-query attention without repeating keys and values: the query heads that share a
    // key/value head are that head's rows, [batch, kv_heads, group * sequence, head_dim]
    String qg = g.op("Mul", g.op("Reshape", q, g.longs(0, kvh, -1, hd)),
        g.scalar((float) c.features().queryScale()));
    String scores = g.op("MatMul", qg, g.op("Transpose", presentKey(layer),
        Attr.ints("perm", 0, 1, 3, 2)));
    String byQuery = g.op("Concat", List.of(batch1, g.longs(kvh, group), seq1, total1),
        Attr.i("axis", 0));
    String p = g.op("Softmax", g.op("Add", g.op("Reshape", scores, byQuery), bias),
        Attr.i("axis", -1));
    String byGroup = g.op("Concat", List.of(batch1, g.longs(kvh, -1), total1), Attr.i("axis", 0));
    String attn = g.op("MatMul", g.op("Reshape", p, byGroup), presentValue(layer));
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
    String inner = g.op("Mul", g.op("Add", x, g.op("Mul", cube, g.scalar(0.044715f))),
        g.scalar((float) Math.sqrt(2 / Math.PI)));
    String t = g.op("Add", g.op("Tanh", inner), g.scalar(1f));
    return g.op("Mul", g.op("Mul", x, t), g.scalar(0.5f));
  }

  /**
   * RMSNorm over the last axis, in the pattern ONNX Runtime fuses into one kernel (Pow,
   * ReduceMean, Add, Sqrt, Div, Mul); Gemma's {@code (1 + w)} is folded at load.
   */
  private String norm(String x, TensorLayout.Tensor weight) {
    String ms = g.op("ReduceMean", g.op("Pow", x, g.scalar(2f)), Attr.ints("axes", -1),
        Attr.i("keepdims", 1));
    String n = g.op("Div", x, g.op("Sqrt", g.op("Add", ms, g.scalar((float) c.rmsNormEps()))));
    String w = weight(weight);
    if (c.features().norm() == ModelConfig.NormForm.ONE_PLUS_WEIGHT) {
      w = g.op("Add", w, g.scalar(1f));
    }
    return g.op("Mul", n, w);
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

  /** A checkpoint tensor as float32: external data, through a Cast for half precision. */
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
    return weights.computeIfAbsent(name, n -> {
      g.external(n, type, t.shape(), location, where.offset(), where.length());
      return type == GraphWriter.FLOAT ? n : g.op("Cast", n, Attr.i("to", GraphWriter.FLOAT));
    });
  }
}
