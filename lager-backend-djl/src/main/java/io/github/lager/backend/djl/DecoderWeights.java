package io.github.lager.backend.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.lager.core.InvalidInputException;
import io.github.lager.core.LagerException;
import io.github.lager.core.model.Checkpoint;
import io.github.lager.core.model.ModelConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The weights of a Llama-family decoder as NDArrays on one device, in float32 (CPU) or float16
 * (GPU). Safetensors hold fp32, fp16 or bf16; every tensor is widened to float32 in Java while
 * reading, then narrowed on the device when float16 is asked for. bfloat16 never reaches DJL: its
 * PyTorch JNI has no bf16 and aborts the JVM when asked for it.
 */
final class DecoderWeights implements AutoCloseable {
  /** One decoder layer; biases are null when the architecture has none. */
  record Layer(NDArray inputNorm, NDArray wq, NDArray bq, NDArray wk, NDArray bk, NDArray wv,
      NDArray bv, NDArray wo, NDArray bo, NDArray postNorm, NDArray wGate, NDArray bGate,
      NDArray wUp, NDArray bUp, NDArray wDown, NDArray bDown) {}

  final ModelConfig config;
  final DataType dtype;
  final NDArray embeddings;
  final List<Layer> layers;
  final NDArray finalNorm;
  final NDArray lmHead;
  private final NDManager manager;

  private DecoderWeights(ModelConfig config, DataType dtype, NDManager manager, NDArray embeddings,
      List<Layer> layers, NDArray finalNorm, NDArray lmHead) {
    this.config = config;
    this.dtype = dtype;
    this.manager = manager;
    this.embeddings = embeddings;
    this.layers = layers;
    this.finalNorm = finalNorm;
    this.lmHead = lmHead;
  }

  /** The one place a dtype is chosen for DJL: float32 or float16, never bfloat16. */
  static DataType checkedDtype(DataType requested) {
    if (requested != DataType.FLOAT32 && requested != DataType.FLOAT16) {
      throw new LagerException("the DJL backend computes in float32 (CPU) or float16 (GPU), not "
          + requested + ": DJL's PyTorch JNI has no bfloat16 and aborts the JVM when asked for"
          + " it; bf16 checkpoints are converted while loading");
    }
    return requested;
  }

  static DecoderWeights load(ModelConfig config, Checkpoint ckpt, NDManager manager,
      DataType requested) {
    DataType dtype = checkedDtype(requested);
    Loader l = new Loader(ckpt, manager, dtype);
    int h = config.hiddenSize();
    NDArray embed = l.matrix("model.embed_tokens.weight", config.vocabSize(), h);
    List<Layer> layers = new ArrayList<>();
    for (int i = 0; i < config.numHiddenLayers(); i++) {
      String p = "model.layers." + i + ".";
      String a = p + "self_attn.";
      String m = p + "mlp.";
      int q = config.queryWidth();
      int kv = config.keyValueWidth();
      int inter = config.intermediateSize();
      layers.add(new Layer(
          l.vector(p + "input_layernorm.weight", h),
          l.matrix(a + "q_proj.weight", q, h), config.qkvBias() ? l.vector(a + "q_proj.bias", q) : null,
          l.matrix(a + "k_proj.weight", kv, h), config.qkvBias() ? l.vector(a + "k_proj.bias", kv) : null,
          l.matrix(a + "v_proj.weight", kv, h), config.qkvBias() ? l.vector(a + "v_proj.bias", kv) : null,
          l.matrix(a + "o_proj.weight", h, q), config.outputBias() ? l.vector(a + "o_proj.bias", h) : null,
          l.vector(p + "post_attention_layernorm.weight", h),
          l.matrix(m + "gate_proj.weight", inter, h), config.mlpBias() ? l.vector(m + "gate_proj.bias", inter) : null,
          l.matrix(m + "up_proj.weight", inter, h), config.mlpBias() ? l.vector(m + "up_proj.bias", inter) : null,
          l.matrix(m + "down_proj.weight", h, inter), config.mlpBias() ? l.vector(m + "down_proj.bias", h) : null));
    }
    NDArray norm = l.vector("model.norm.weight", h);
    NDArray head = config.tieWordEmbeddings() || !ckpt.has("lm_head.weight") ? embed
        : l.matrix("lm_head.weight", config.vocabSize(), h);
    return new DecoderWeights(config, dtype, manager, embed, layers, norm, head);
  }

  /** Reads tensors, checks their shapes against config.json, and puts them on the device. */
  private record Loader(Checkpoint ckpt, NDManager manager, DataType dtype) {
    NDArray matrix(String name, long rows, long cols) {
      return put(name, new Shape(rows, cols));
    }

    NDArray vector(String name, long n) {
      return put(name, new Shape(n));
    }

    private NDArray put(String name, Shape expected) {
      long[] shape = ckpt.info(name).shape();
      if (!new Shape(shape).equals(expected)) {
        throw new InvalidInputException(ckpt.dir() + ": tensor " + name + " has shape "
            + new Shape(shape) + ", config.json implies " + expected);
      }
      NDArray fp32 = manager.create(ckpt.read(name), expected);
      if (dtype == DataType.FLOAT32) {
        return fp32;
      }
      NDArray narrowed = fp32.toType(dtype, false);
      fp32.close();
      return narrowed;
    }
  }

  @Override
  public void close() {
    manager.close();
  }
}
