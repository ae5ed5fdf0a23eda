package io.github.lager.backend.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.lager.core.InvalidInputException;
import io.github.lager.core.model.Checkpoint;
import io.github.lager.core.model.ModelConfig;
import io.github.lager.core.model.SafetensorsFile;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The checkpoint tensors as the TorchScript decoder's {@code prepare} takes them (the raw layout
 * documented in {@code decoder.py}): raw safetensors bytes copied to the device as they are, with
 * no widening in Java. float32 tensors arrive as float32; float16 and bfloat16 tensors arrive as
 * float16 arrays holding their bits, and {@code prepare} reinterprets the bfloat16 ones, so DJL
 * never handles a bfloat16 array. Shapes are checked against config.json first.
 */
final class DecoderWeights implements AutoCloseable {
  /** Global tensors before the layers: embed, final norm, LM head, two inverse-frequency tables. */
  static final int GLOBALS = 5;
  /** Tensors per layer in the raw layout. */
  static final int RAW_PER_LAYER = 20;
  /** Largest tensor copied in one piece (bigger ones are copied in row blocks and joined). */
  private static final long CHUNK_BYTES = 1L << 30;

  private final List<NDArray> tensors;
  private final boolean[] bf16Bits;

  private DecoderWeights(List<NDArray> tensors, boolean[] bf16Bits) {
    this.tensors = tensors;
    this.bf16Bits = bf16Bits;
  }

  List<NDArray> tensors() {
    return tensors;
  }

  /** Per tensor: whether it holds bfloat16 bits in a float16 array. */
  boolean[] bf16Bits() {
    return bf16Bits.clone();
  }

  /** Reads the tensors of a Llama-family checkpoint (Llama, Qwen2, Mistral) onto the device. */
  static DecoderWeights read(ModelConfig c, Checkpoint ckpt, NDManager manager) {
    Reader r = new Reader(ckpt, manager);
    try {
      int h = c.hiddenSize();
      int q = c.queryWidth();
      int kv = c.keyValueWidth();
      int inter = c.intermediateSize();
      r.put("model.embed_tokens.weight", c.vocabSize(), h);
      r.put("model.norm.weight", h);
      if (c.tieWordEmbeddings() || !ckpt.has("lm_head.weight")) {
        r.absent();
      } else {
        r.put("lm_head.weight", c.vocabSize(), h);
      }
      float[] invFreq = c.rope().inverseFrequencies(c.headDim());
      r.floats(invFreq);
      r.floats(invFreq);
      for (int i = 0; i < c.numHiddenLayers(); i++) {
        String p = "model.layers." + i + ".";
        String a = p + "self_attn.";
        String m = p + "mlp.";
        r.put(p + "input_layernorm.weight", h);
        r.put(a + "q_proj.weight", q, h);
        r.put(a + "k_proj.weight", kv, h);
        r.put(a + "v_proj.weight", kv, h);
        r.optional(c.qkvBias(), a + "q_proj.bias", q);
        r.optional(c.qkvBias(), a + "k_proj.bias", kv);
        r.optional(c.qkvBias(), a + "v_proj.bias", kv);
        r.put(a + "o_proj.weight", h, q);
        r.optional(c.outputBias(), a + "o_proj.bias", h);
        r.put(p + "post_attention_layernorm.weight", h);
        r.absent(); // pre-feedforward norm
        r.absent(); // post-feedforward norm
        r.put(m + "gate_proj.weight", inter, h);
        r.put(m + "up_proj.weight", inter, h);
        r.optional(c.mlpBias(), m + "gate_proj.bias", inter);
        r.optional(c.mlpBias(), m + "up_proj.bias", inter);
        r.put(m + "down_proj.weight", h, inter);
        r.optional(c.mlpBias(), m + "down_proj.bias", h);
        r.absent(); // q norm
        r.absent(); // k norm
      }
    } catch (RuntimeException e) {
      r.tensors.forEach(NDArray::close);
      throw e;
    }
    boolean[] bits = new boolean[r.bf16.size()];
    for (int i = 0; i < bits.length; i++) {
      bits[i] = r.bf16.get(i);
    }
    return new DecoderWeights(r.tensors, bits);
  }

  /** Copies tensors to the device in order, checking shapes against config.json. */
  private static final class Reader {
    final Checkpoint ckpt;
    final NDManager manager;
    final List<NDArray> tensors = new ArrayList<>();
    final List<Boolean> bf16 = new ArrayList<>();

    Reader(Checkpoint ckpt, NDManager manager) {
      this.ckpt = ckpt;
      this.manager = manager;
    }

    void absent() {
      tensors.add(manager.create(new float[0]));
      bf16.add(false);
    }

    void floats(float[] values) {
      tensors.add(manager.create(values));
      bf16.add(false);
    }

    void optional(boolean present, String name, long... shape) {
      if (present) {
        put(name, shape);
      } else {
        absent();
      }
    }

    void put(String name, long... expectedShape) {
      Shape expected = new Shape(expectedShape);
      Shape actual = new Shape(ckpt.info(name).shape());
      if (!actual.equals(expected)) {
        throw new InvalidInputException(ckpt.dir() + ": tensor " + name + " has shape " + actual
            + ", config.json implies " + expected);
      }
      SafetensorsFile.DType type = ckpt.dtype(name);
      DataType dt = type == SafetensorsFile.DType.F32 ? DataType.FLOAT32 : DataType.FLOAT16;
      long rows = expected.get(0);
      long rowBytes = expected.size() / rows * type.bytes();
      long rowsPerChunk = Math.max(1, CHUNK_BYTES / rowBytes);
      NDList chunks = new NDList();
      for (long from = 0; from < rows; from += rowsPerChunk) {
        long to = Math.min(rows, from + rowsPerChunk);
        ByteBuffer bytes = ckpt.mapRows(name, from, to);
        chunks.add(manager.create(bytes, new Shape(to - from).addAll(expected.slice(1)), dt));
      }
      NDArray t = chunks.size() == 1 ? chunks.get(0) : NDArrays.concat(chunks, 0);
      if (chunks.size() > 1) {
        chunks.close();
      }
      tensors.add(t);
      bf16.add(type == SafetensorsFile.DType.BF16);
    }
  }

  @Override
  public void close() {
    tensors.forEach(NDArray::close);
  }
}
