package io.github.lager.hf.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;

/**
 * Writes a {@code *.safetensors} file (the format {@link SafetensorsFile} reads): the header, then
 * every tensor's values narrowed to its dtype (float16 and bfloat16 rounded to nearest even),
 * streamed, so that checkpoints of billions of values are written without holding them.
 * Synthetic benchmark checkpoints and tests that need a checkpoint in another dtype use it.
 */
public final class SafetensorsWriter {
  /** The values of a tensor, in row-major order. */
  @FunctionalInterface
  public interface Values {
    float get(long index);
  }

  /** One tensor: its name, dtype, shape and values. */
  public record Tensor(String name, SafetensorsFile.DType dtype, long[] shape, Values values) {
    public Tensor {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(dtype, "dtype");
      Objects.requireNonNull(values, "values");
      shape = shape.clone();
    }

    /** A tensor holding {@code data}. */
    public static Tensor of(String name, SafetensorsFile.DType dtype, long[] shape, float[] data) {
      return new Tensor(name, dtype, shape, i -> data[Math.toIntExact(i)]);
    }

    public long elements() {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      return n;
    }

    @Override
    public long[] shape() {
      return shape.clone();
    }
  }

  private SafetensorsWriter() {}

  public static void write(Path file, List<Tensor> tensors) {
    StringBuilder header = new StringBuilder("{");
    long offset = 0;
    for (Tensor t : tensors) {
      long end = offset + t.elements() * t.dtype().bytes();
      StringBuilder dims = new StringBuilder();
      for (long d : t.shape) {
        dims.append(dims.length() == 0 ? "" : ",").append(d);
      }
      header.append(header.length() > 1 ? "," : "").append('"').append(t.name())
          .append("\":{\"dtype\":\"").append(t.dtype()).append("\",\"shape\":[").append(dims)
          .append("],\"data_offsets\":[").append(offset).append(',').append(end).append("]}");
      offset = end;
    }
    header.append('}');
    while ((header.length() + 8) % 8 != 0) {
      header.append(' '); // the data starts 8-byte aligned, as the Python writer pads it
    }
    byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      ByteBuffer buf = ByteBuffer.allocateDirect(1 << 22).order(ByteOrder.LITTLE_ENDIAN);
      buf.putLong(h.length).put(h);
      for (Tensor t : tensors) {
        long n = t.elements();
        for (long i = 0; i < n; i++) {
          if (buf.remaining() < 4) {
            drain(ch, buf);
          }
          float v = t.values().get(i);
          switch (t.dtype()) {
            case F32 -> buf.putFloat(v);
            case BF16 -> buf.putShort(toBfloat16(v));
            case F16 -> buf.putShort(toHalf(v));
          }
        }
      }
      drain(ch, buf);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static void drain(FileChannel ch, ByteBuffer buf) throws IOException {
    buf.flip();
    while (buf.hasRemaining()) {
      ch.write(buf);
    }
    buf.clear();
  }

  /** float32 to bfloat16, rounded to nearest even (NaN stays NaN). */
  public static short toBfloat16(float v) {
    int bits = Float.floatToRawIntBits(v);
    if (Float.isNaN(v)) {
      return (short) ((bits >>> 16) | 0x40);
    }
    int rounding = 0x7fff + ((bits >>> 16) & 1);
    return (short) ((bits + rounding) >>> 16);
  }

  /** float32 to IEEE binary16, rounded to nearest even (overflow to infinity). */
  public static short toHalf(float v) {
    int bits = Float.floatToRawIntBits(v);
    int sign = (bits >>> 16) & 0x8000;
    int exp = (bits >>> 23) & 0xff;
    int mant = bits & 0x7fffff;
    if (exp == 0xff) {
      return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 : 0));
    }
    int e = exp - 127 + 15;
    if (e >= 0x1f) {
      return (short) (sign | 0x7c00);
    }
    if (e <= 0) {
      if (e < -10) {
        return (short) sign;
      }
      mant |= 0x800000;
      int shift = 14 - e;
      int half = mant >>> shift;
      int rest = mant & ((1 << shift) - 1);
      int mid = 1 << (shift - 1);
      if (rest > mid || (rest == mid && (half & 1) == 1)) {
        half++;
      }
      return (short) (sign | half);
    }
    int half = (e << 10) | (mant >>> 13);
    int rest = mant & 0x1fff;
    if (rest > 0x1000 || (rest == 0x1000 && (half & 1) == 1)) {
      half++; // may carry into the exponent, up to infinity: correct rounding
    }
    return (short) (sign | half);
  }
}
