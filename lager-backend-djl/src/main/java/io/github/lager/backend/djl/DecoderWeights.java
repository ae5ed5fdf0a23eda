package io.github.lager.backend.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.lager.hf.architecture.ModelConfig;
import io.github.lager.hf.architecture.Slot;
import io.github.lager.hf.architecture.TensorLayout;
import io.github.lager.hf.checkpoint.Checkpoint;
import io.github.lager.hf.checkpoint.SafetensorsFile;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A checkpoint's tensors as the TorchScript decoder's {@code prepare_globals} and
 * {@code prepare_layer} take them (the layouts documented in {@code decoder.py}): the global
 * slots and two inverse-frequency tables, then one layer's {@link Slot#LAYER} slots at a time (an
 * absent slot as an empty array), so that loading holds one layer's raw tensors beside the
 * converted weights, never the whole checkpoint twice. The safetensors bytes are copied to the
 * device as they are, with no widening in Java: float32 tensors arrive as float32; float16 and
 * bfloat16 tensors arrive as float16 arrays holding their bits, and the decoder reinterprets the
 * bfloat16 ones, so DJL never handles a bfloat16 array.
 */
final class DecoderWeights {
  /** Largest tensor copied in one piece (bigger ones are copied in row blocks and joined). */
  private static final long CHUNK_BYTES = 1L << 30;

  /** Raw tensors on the device, and per tensor whether it holds bfloat16 bits in float16. */
  static final class Raw implements AutoCloseable {
    final List<NDArray> tensors = new ArrayList<>();
    /** The checkpoint name of each tensor ("" for an absent slot or a computed table). */
    final List<String> names = new ArrayList<>();
    private final List<Boolean> bf16 = new ArrayList<>();

    boolean[] bf16Bits() {
      boolean[] bits = new boolean[bf16.size()];
      for (int i = 0; i < bits.length; i++) {
        bits[i] = bf16.get(i);
      }
      return bits;
    }

    @Override
    public void close() {
      tensors.forEach(NDArray::close);
    }
  }

  private final ModelConfig config;
  private final Checkpoint ckpt;
  private final NDManager manager;
  private final TensorLayout layout;

  /**
   * Checks the checkpoint against config.json ({@link TensorLayout#check}); tensors are named as
   * the model's architecture names them.
   */
  DecoderWeights(ModelConfig config, Checkpoint ckpt, NDManager manager) {
    this.config = config;
    this.ckpt = ckpt;
    this.manager = manager;
    this.layout = config.architecture().layout(config, ckpt.tensorNames());
    layout.check(ckpt);
  }

  /** Embeddings, final norm, LM head (absent when tied), inverse frequencies (global, sliding). */
  Raw globals() {
    Raw r = new Raw();
    try {
      put(r, layout.tensor(Slot.EMBED));
      put(r, layout.tensor(Slot.FINAL_NORM));
      put(r, layout.tensor(Slot.LM_HEAD));
      floats(r, config.rope().inverseFrequencies(config.rotaryDim()));
      floats(r, config.slidingRope().inverseFrequencies(config.rotaryDim()));
      return r;
    } catch (RuntimeException e) {
      r.close();
      throw e;
    }
  }

  /** Layer {@code layer}'s slots, in {@link Slot#LAYER} order. */
  Raw layer(int layer) {
    Raw r = new Raw();
    try {
      for (Slot slot : Slot.LAYER) {
        put(r, layout.tensor(slot, layer));
      }
      return r;
    } catch (RuntimeException e) {
      r.close();
      throw e;
    }
  }

  private void floats(Raw r, float[] values) {
    r.tensors.add(manager.create(values));
    r.names.add("");
    r.bf16.add(false);
  }

  private void put(Raw r, Optional<TensorLayout.Tensor> tensor) {
    if (tensor.isEmpty()) {
      r.tensors.add(manager.create(new float[0]));
      r.names.add("");
      r.bf16.add(false);
      return;
    }
    String name = tensor.get().name();
    Shape shape = new Shape(tensor.get().shape());
    SafetensorsFile.DType type = ckpt.dtype(name);
    DataType dt = type == SafetensorsFile.DType.F32 ? DataType.FLOAT32 : DataType.FLOAT16;
    long rows = shape.get(0);
    long rowBytes = shape.size() / rows * type.bytes();
    long rowsPerChunk = Math.max(1, CHUNK_BYTES / rowBytes);
    NDList chunks = new NDList();
    for (long from = 0; from < rows; from += rowsPerChunk) {
      long to = Math.min(rows, from + rowsPerChunk);
      ByteBuffer bytes = ckpt.mapRows(name, from, to);
      chunks.add(manager.create(bytes, new Shape(to - from).addAll(shape.slice(1)), dt));
    }
    NDArray t = chunks.size() == 1 ? chunks.get(0) : NDArrays.concat(chunks, 0);
    if (chunks.size() > 1) {
      chunks.close();
    }
    r.tensors.add(t);
    r.names.add(name);
    r.bf16.add(type == SafetensorsFile.DType.BF16);
  }
}
