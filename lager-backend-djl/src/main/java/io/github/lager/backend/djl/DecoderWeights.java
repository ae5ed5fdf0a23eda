package io.github.lager.backend.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.lager.hf.Checkpoint;
import io.github.lager.hf.ModelConfig;
import io.github.lager.hf.SafetensorsFile;
import io.github.lager.hf.architecture.Slot;
import io.github.lager.hf.architecture.TensorLayout;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The checkpoint tensors as the TorchScript decoder's {@code prepare} takes them (the raw layout
 * documented in {@code decoder.py}: the global slots, two inverse-frequency tables, then each
 * layer's {@link Slot#LAYER} slots, an absent slot as an empty array): raw safetensors bytes copied to the device as they are, with
 * no widening in Java. float32 tensors arrive as float32; float16 and bfloat16 tensors arrive as
 * float16 arrays holding their bits, and {@code prepare} reinterprets the bfloat16 ones, so DJL
 * never handles a bfloat16 array.
 */
final class DecoderWeights implements AutoCloseable {
  /** Tensors per layer in the raw layout. */
  static final int RAW_PER_LAYER = Slot.LAYER.size();
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

  /**
   * Checks the checkpoint against config.json ({@link TensorLayout#check}) and copies its tensors
   * onto the device, named as the model's architecture names them.
   */
  static DecoderWeights read(ModelConfig c, Checkpoint ckpt, NDManager manager) {
    TensorLayout layout = c.architecture().layout(c, ckpt.tensorNames());
    layout.check(ckpt);
    Reader r = new Reader(ckpt, manager);
    try {
      r.put(layout.tensor(Slot.EMBED));
      r.put(layout.tensor(Slot.FINAL_NORM));
      r.put(layout.tensor(Slot.LM_HEAD)); // absent when tied
      r.floats(c.rope().inverseFrequencies(c.rotaryDim()));
      r.floats(c.slidingRope().inverseFrequencies(c.rotaryDim()));
      for (int i = 0; i < c.numHiddenLayers(); i++) {
        for (Slot slot : Slot.LAYER) {
          r.put(layout.tensor(slot, i));
        }
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

  /** Copies tensors to the device in order (shapes were checked against config.json). */
  private static final class Reader {
    final Checkpoint ckpt;
    final NDManager manager;
    final List<NDArray> tensors = new ArrayList<>();
    final List<Boolean> bf16 = new ArrayList<>();

    Reader(Checkpoint ckpt, NDManager manager) {
      this.ckpt = ckpt;
      this.manager = manager;
    }

    void floats(float[] values) {
      tensors.add(manager.create(values));
      bf16.add(false);
    }

    void put(Optional<TensorLayout.Tensor> tensor) {
      if (tensor.isEmpty()) {
        tensors.add(manager.create(new float[0]));
        bf16.add(false);
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
      tensors.add(t);
      bf16.add(type == SafetensorsFile.DType.BF16);
    }
  }

  @Override
  public void close() {
    tensors.forEach(NDArray::close);
  }
}
