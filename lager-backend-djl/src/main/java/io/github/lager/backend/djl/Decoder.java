package io.github.lager.backend.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import io.github.lager.core.model.ModelConfig;
import io.github.lager.core.spi.BatchDecoding;
import java.util.ArrayList;
import java.util.List;

/**
 * The forward pass of a Llama-family decoder (Llama, Qwen2, Mistral) as Hugging Face
 * transformers computes it, on DJL NDArrays: embeddings, then per layer RMSNorm, grouped-query
 * attention with rotary embeddings, a causal and padding mask and a KV cache, residual, RMSNorm,
 * SwiGLU MLP, residual; the final RMSNorm and the LM head at the last position.
 *
 * <p>Returns, at the last position of the step's input, the {@code L+1} hidden states of the
 * Hugging Face tuple (embeddings, layers 1..L-1 before the final norm, final norm of layer L) and
 * the next-token logits.
 */
final class Decoder {
  /** Query rows per attention block in long prefills. */
  static final int QUERY_BLOCK = 128;
  /** Per-layer key/value cache: {@code [batch, kvHeads, seen, headDim]}. */
  static final class KvCache implements AutoCloseable {
    final NDArray[] keys;
    final NDArray[] values;

    KvCache(int layers) {
      keys = new NDArray[layers];
      values = new NDArray[layers];
    }

    long length() {
      return keys[0] == null ? 0 : keys[0].getShape().get(2);
    }

    void append(int layer, NDArray k, NDArray v) {
      NDArray oldK = keys[layer];
      NDArray oldV = values[layer];
      keys[layer] = oldK == null ? k : oldK.concat(k, 2);
      values[layer] = oldV == null ? v : oldV.concat(v, 2);
      NDScope.unregister(keys[layer], values[layer]);
      if (oldK != null) {
        oldK.close();
        oldV.close();
        k.close();
        v.close();
      }
    }

    @Override
    public void close() {
      for (int i = 0; i < keys.length; i++) {
        if (keys[i] != null) {
          keys[i].close();
          values[i].close();
        }
      }
    }
  }

  /** A step's results at the last position: hidden states {@code [L+1, B, H]}, logits {@code [B, V]}. */
  record StepOutput(NDArray hiddenLast, NDArray logits) implements AutoCloseable {
    @Override
    public void close() {
      hiddenLast.close();
      logits.close();
    }
  }

  private final DecoderWeights w;
  private final ModelConfig c;
  private final float[] inverseFrequencies;

  Decoder(DecoderWeights weights) {
    this.w = weights;
    this.c = weights.config;
    this.inverseFrequencies = c.rope().inverseFrequencies(c.headDim());
  }

  /**
   * One step over {@code ids} ({@code [B, T]}) at {@code positions} ({@code [B][T]}).
   *
   * @param keyMask {@code [B][seen + T]}: 1 for real tokens, 0 for padding, over the cached and
   *     the new positions
   */
  StepOutput step(NDManager manager, long[][] ids, long[][] positions, long[][] keyMask,
      KvCache cache) {
    int batch = ids.length;
    int t = ids[0].length;
    long past = cache.length();
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray idArray = manager.create(BatchDecoding.rowMajor(ids)).reshape(batch, t);
      NDArray h = w.embeddings.get(new NDIndex("{}", idArray));
      NDArray[] rope = rotary(manager, positions);
      NDArray mask = additiveMask(manager, keyMask, past, t);
      List<NDArray> hiddenLast = new ArrayList<>();
      hiddenLast.add(last(h));
      int layers = w.layers.size();
      for (int i = 0; i < layers; i++) {
        // one scope per layer: its temporaries (attention scores are B x heads x T x T) are freed
        // before the next layer runs; only its output survives, handed to the step's scope
        NDArray next;
        try (NDScope layerScope = new NDScope()) {
          layerScope.suppressNotUsedWarning();
          next = layer(w.layers.get(i), h, rope, mask, cache, i, batch, t);
          NDScope.unregister(next);
        }
        NDScope.register(next);
        h.close(); // the previous residual stream; its last position was copied into hiddenLast
        h = next;
        if (i < layers - 1) {
          hiddenLast.add(last(h));
        }
      }
      NDArray normedLast = rmsNorm(last(h), w.finalNorm);
      hiddenLast.add(normedLast);
      NDArray logits = Linear.linear(normedLast, w.lmHead).singletonOrThrow();
      NDArray stacked = NDArrays.stack(new NDList(hiddenLast));
      NDScope.unregister(stacked, logits);
      return new StepOutput(stacked, logits);
    }
  }

  private NDArray layer(DecoderWeights.Layer l, NDArray h, NDArray[] rope, NDArray mask,
      KvCache cache, int index, int batch, int t) {
    int heads = c.numAttentionHeads();
    int kvHeads = c.numKeyValueHeads();
    int hd = c.headDim();
    NDArray x = rmsNorm(h, l.inputNorm());
    NDArray q = linear(x, l.wq(), l.bq()).reshape(batch, t, heads, hd).transpose(0, 2, 1, 3);
    NDArray k = linear(x, l.wk(), l.bk()).reshape(batch, t, kvHeads, hd).transpose(0, 2, 1, 3);
    NDArray v = linear(x, l.wv(), l.bv()).reshape(batch, t, kvHeads, hd).transpose(0, 2, 1, 3);
    q = applyRotary(q, rope);
    k = applyRotary(k, rope);
    cache.append(index, k, v);
    NDArray keys = cache.keys[index];
    NDArray values = cache.values[index];
    NDArray attn = attend(q, keys, values, mask, batch, t)
        .transpose(0, 2, 1, 3).reshape(batch, t, (long) heads * hd);
    h = h.add(linear(attn, l.wo(), l.bo()));
    NDArray y = rmsNorm(h, l.postNorm());
    NDArray gate = linear(y, l.wGate(), l.bGate());
    NDArray mlp = linear(gate.mul(Activation.sigmoid(gate)).mul(linear(y, l.wUp(), l.bUp())),
        l.wDown(), l.bDown());
    return h.add(mlp);
  }

  /**
   * Softmax attention of queries {@code [B, heads, T, hd]} over the cached keys and values,
   * returning {@code [B, heads, T, hd]}. Long prompts are processed in blocks of
   * {@value #QUERY_BLOCK} query rows, so that the score matrix of a block stays small (a whole
   * 1,000-token prompt would need B x heads x T x T floats per layer, allocated and freed each
   * time).
   */
  private NDArray attend(NDArray q, NDArray keys, NDArray values, NDArray mask, int batch, int t) {
    if (t <= QUERY_BLOCK) {
      return attendBlock(q, keys, values, mask, batch, t);
    }
    NDList blocks = new NDList();
    for (int c0 = 0; c0 < t; c0 += QUERY_BLOCK) {
      int c1 = Math.min(t, c0 + QUERY_BLOCK);
      try (NDScope blockScope = new NDScope()) {
        blockScope.suppressNotUsedWarning();
        NDArray block = attendBlock(q.get(":, :, " + c0 + ":" + c1 + ", :"), keys, values,
            mask.get(":, :, :, " + c0 + ":" + c1 + ", :"), batch, c1 - c0);
        NDScope.unregister(block);
        blocks.add(block);
      }
    }
    NDArray out = NDArrays.concat(blocks, 2);
    blocks.close();
    return out;
  }

  /** Grouped-query attention without repeating K/V: {@code [B, kv, group*T, hd] x [B, kv, hd, seen]}. */
  private NDArray attendBlock(NDArray q, NDArray keys, NDArray values, NDArray mask, int batch,
      int t) {
    int heads = c.numAttentionHeads();
    int kvHeads = c.numKeyValueHeads();
    int hd = c.headDim();
    int group = heads / kvHeads;
    long seen = keys.getShape().get(2);
    NDArray scores = q.reshape(batch, kvHeads, (long) group * t, hd)
        .matMul(keys.transpose(0, 1, 3, 2))
        .mul(1.0 / Math.sqrt(hd))
        .reshape(batch, kvHeads, group, t, seen)
        .add(mask);
    NDArray probs = scores.toType(DataType.FLOAT32, false).softmax(-1).toType(w.dtype, false);
    return probs.reshape(batch, kvHeads, (long) group * t, seen).matMul(values)
        .reshape(batch, heads, t, hd);
  }

  private static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
    return (bias == null ? Linear.linear(x, weight) : Linear.linear(x, weight, bias))
        .singletonOrThrow();
  }

  /** {@code weight * (x / sqrt(mean(x^2) + eps))}, computed in float32 as transformers does. */
  private NDArray rmsNorm(NDArray x, NDArray weight) {
    NDArray x32 = x.toType(DataType.FLOAT32, false);
    NDArray variance = x32.square().mean(new int[] {-1}, true);
    NDArray normed = x32.div(variance.add(c.rmsNormEps()).sqrt());
    return weight.mul(normed.toType(w.dtype, false));
  }

  /** A copy of the last position, {@code [B, H]}: it outlives the residual stream it comes from. */
  private static NDArray last(NDArray h) {
    try (NDArray view = h.get(":, -1, :")) {
      return view.duplicate();
    }
  }

  /** cos and sin {@code [B, 1, T, headDim]} for the given positions, computed in Java. */
  private NDArray[] rotary(NDManager manager, long[][] positions) {
    int batch = positions.length;
    int t = positions[0].length;
    int hd = c.headDim();
    int half = hd / 2;
    float[] cos = new float[batch * t * hd];
    float[] sin = new float[batch * t * hd];
    for (int b = 0; b < batch; b++) {
      for (int i = 0; i < t; i++) {
        int base = (b * t + i) * hd;
        for (int j = 0; j < half; j++) {
          float angle = (float) positions[b][i] * inverseFrequencies[j];
          float cs = (float) Math.cos(angle);
          float sn = (float) Math.sin(angle);
          cos[base + j] = cs;
          cos[base + j + half] = cs;
          sin[base + j] = sn;
          sin[base + j + half] = sn;
        }
      }
    }
    Shape shape = new Shape(batch, 1, t, hd);
    return new NDArray[] {
        manager.create(cos, shape).toType(w.dtype, false),
        manager.create(sin, shape).toType(w.dtype, false)};
  }

  /** {@code x cos + rotate_half(x) sin}, {@code rotate_half(x) = cat(-x2, x1)}; x is {@code [B, heads, T, hd]}. */
  private static NDArray applyRotary(NDArray x, NDArray[] rope) {
    NDList halves = x.split(2, 3);
    NDArray rotated = halves.get(1).neg().concat(halves.get(0), 3);
    return x.mul(rope[0]).add(rotated.mul(rope[1]));
  }

  /**
   * The additive mask {@code [B, 1, 1, T, seen]}: 0 where query {@code past + i} may attend key
   * {@code s} (causal, and the key is a real token), the dtype's lowest value elsewhere (finite,
   * as transformers uses, so fully masked padding rows stay finite).
   */
  private NDArray additiveMask(NDManager manager, long[][] keyMask, long past, int t) {
    int batch = keyMask.length;
    int seen = keyMask[0].length;
    float blocked = w.dtype == DataType.FLOAT16 ? -65504f : -Float.MAX_VALUE;
    float[] m = new float[batch * t * seen];
    for (int b = 0; b < batch; b++) {
      for (int i = 0; i < t; i++) {
        long query = past + i;
        for (int s = 0; s < seen; s++) {
          boolean open = s <= query && keyMask[b][s] == 1;
          m[(b * t + i) * seen + s] = open ? 0f : blocked;
        }
      }
    }
    return manager.create(m, new Shape(batch, 1, 1, t, seen)).toType(w.dtype, false);
  }

}
