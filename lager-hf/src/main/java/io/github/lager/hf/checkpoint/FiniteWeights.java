package io.github.lager.hf.checkpoint;

import io.github.lager.core.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Every weight must be finite: a NaN or an infinity in one makes every sample's hidden states NaN,
 * which a run would otherwise report as "no score token" for every sample. The one home of the
 * refusal's message ({@link #refusal}), used by both backends, and the scan of a tensor's bytes
 * where nothing else reads them ({@link #check}: the ONNX backend, whose weights ONNX Runtime reads
 * from the files itself; the DJL backend checks on the device while it converts).
 *
 * <p>The scan tests exponent bits only, on 64-bit words: a value is non-finite exactly when its
 * exponent field is all ones. Adding the lowest exponent bit to the magnitude bits carries into
 * the sign bit's place exactly then, so OR-ing those sums over a block and testing the sign bits
 * once is branch-free: 12-14 GB/s on a buffer in memory here, as fast as a plain OR over the
 * same words; about 0.1 s per GB of a checkpoint in the page cache (docs/benchmarks.md).
 */
public final class FiniteWeights {
  /**
   * System property: {@code false} skips {@link #check} (only to measure what the check costs;
   * docs/benchmarks.md). The DJL backend's check is part of its conversion and is not skipped.
   */
  public static final String PROPERTY = "lager.check_finite_weights";

  /** Bytes mapped and scanned at a time. */
  private static final int CHUNK = 1 << 28;
  /** Longs copied out of the mapping at a time (the scan's block, L1-sized). */
  private static final int BLOCK = 2048;

  private FiniteWeights() {}

  /** The refusal of {@code dir}'s checkpoint, whose tensor {@code tensor} holds NaN or Inf. */
  public static InvalidInputException refusal(Path dir, String tensor) {
    return new InvalidInputException(dir + ": tensor " + tensor + " holds NaN or infinite values;"
        + " the checkpoint is damaged (or overflowed when it was saved in float16), and no score"
        + " computed from it would mean anything");
  }

  /** Whether {@link #check} runs (the property {@value #PROPERTY} is not {@code false}). */
  public static boolean enabled() {
    return !"false".equalsIgnoreCase(System.getProperty(PROPERTY, "true").trim());
  }

  /**
   * Refuses ({@link #refusal}) tensor {@code name} of {@code ckpt} if it holds NaN or Inf: one
   * read of its bytes, mapped a chunk at a time and unmapped after (nothing is copied or kept).
   */
  public static void check(Checkpoint ckpt, String name) {
    Checkpoint.Location where = ckpt.location(name);
    SafetensorsFile.DType dtype = ckpt.dtype(name);
    try (FileChannel ch = FileChannel.open(where.file(), StandardOpenOption.READ)) {
      for (long at = 0; at < where.length(); at += CHUNK) {
        long n = Math.min(CHUNK, where.length() - at);
        MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, where.offset() + at, n);
        try {
          if (!finite(m.order(ByteOrder.LITTLE_ENDIAN), dtype)) {
            throw refusal(ckpt.dir(), name);
          }
        } finally {
          FileMappings.release(m);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read tensor " + name + " of " + where.file(), e);
    }
  }

  /**
   * Whether the little-endian {@code dtype} values from {@code bytes}' position to its limit are
   * all finite (a chunk boundary of {@link #check} falls on an element: chunks are a multiple of
   * 8 bytes). The position is not moved.
   */
  static boolean finite(ByteBuffer bytes, SafetensorsFile.DType dtype) {
    // per dtype, on a word of 2 floats or 4 halves: the magnitude bits, the lowest exponent bit
    // and the sign bits. Magnitude + lowest exponent bit reaches the sign bit iff the exponent is
    // all ones; no carry crosses into the next element (the sum stays below 2^32 or 2^16)
    long magnitude;
    long one;
    long sign;
    switch (dtype) {
      case F32 -> {
        magnitude = 0x7fffffff_7fffffffL;
        one = 0x00800000_00800000L;
        sign = 0x80000000_80000000L;
      }
      case F16 -> {
        magnitude = 0x7fff7fff_7fff7fffL;
        one = 0x04000400_04000400L;
        sign = 0x80008000_80008000L;
      }
      default -> {
        magnitude = 0x7fff7fff_7fff7fffL;
        one = 0x00800080_00800080L;
        sign = 0x80008000_80008000L;
      }
    }
    ByteBuffer b = bytes.slice().order(ByteOrder.LITTLE_ENDIAN);
    int words = b.remaining() / 8;
    LongBuffer longs = b.asLongBuffer();
    long[] block = new long[BLOCK];
    long acc = 0;
    for (int at = 0; at < words; at += BLOCK) {
      int n = Math.min(BLOCK, words - at);
      longs.get(block, 0, n);
      for (int i = 0; i < n; i++) {
        acc |= (block[i] & magnitude) + one;
      }
      if ((acc & sign) != 0) {
        return false;
      }
    }
    // the tail (under 8 bytes), padded with zeros (finite)
    long tail = 0;
    for (int i = words * 8; i < b.limit(); i++) {
      tail |= (b.get(i) & 0xffL) << (8 * (i - words * 8));
    }
    acc |= (tail & magnitude) + one;
    return (acc & sign) == 0;
  }
}
