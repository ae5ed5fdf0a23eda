package io.github.lager.hf.checkpoint;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.lager.core.InvalidInputException;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One {@code *.safetensors} file: an 8-byte little-endian header length, a JSON header
 * ({@code name -> {dtype, shape, data_offsets}}) and the raw tensor bytes. Tensors are read on
 * demand from a read-only memory mapping of the tensor's bytes, so reading K rows of a
 * {@code 128256 x 4096} LM head touches K rows, not the matrix. F32, F16 and BF16 are widened to float32 while reading (DJL's PyTorch JNI
 * has no bf16, see docs).
 */
public final class SafetensorsFile implements Closeable {
  /** Element types this reader widens to float32. */
  public enum DType {
    F32(4),
    F16(2),
    BF16(2);

    private final int bytes;

    DType(int bytes) {
      this.bytes = bytes;
    }

    public int bytes() {
      return bytes;
    }
  }

  /** A tensor's place in the file. */
  public record TensorInfo(String name, String dtype, long[] shape, long begin, long end) {
    public long rows() {
      return shape.length == 0 ? 1 : shape[0];
    }

    /** Elements per row (the product of all but the first dimension). */
    public long rowElements() {
      long n = 1;
      for (int i = 1; i < shape.length; i++) {
        n *= shape[i];
      }
      return n;
    }
  }

  private static final long MAX_HEADER = 100L << 20;

  private final Path file;
  private final FileChannel channel;
  private final long dataStart;
  private final Map<String, TensorInfo> tensors;
  /** Mappings handed out by {@link #mapRows}, released by {@link #close}. */
  private final List<MappedByteBuffer> mapped = new ArrayList<>();

  private SafetensorsFile(Path file, FileChannel channel, long dataStart,
      Map<String, TensorInfo> tensors) {
    this.file = file;
    this.channel = channel;
    this.dataStart = dataStart;
    this.tensors = tensors;
  }

  /** Opens {@code file} and reads its header; fails naming the file when it is not safetensors. */
  public static SafetensorsFile open(Path file) {
    FileChannel ch = null;
    try {
      ch = FileChannel.open(file, StandardOpenOption.READ);
      long size = ch.size();
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, len, 0);
      long headerLen = len.getLong(0);
      if (size < 8 || headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > size) {
        throw new InvalidInputException(file + ": not a safetensors file (header length "
            + headerLen + ", file size " + size + "); the file may be truncated or corrupt");
      }
      ByteBuffer header = ByteBuffer.allocate((int) headerLen);
      readFully(ch, header, 8);
      JsonObject root;
      try {
        JsonElement e = JsonParser.parseString(
            new String(header.array(), StandardCharsets.UTF_8).trim());
        root = e.getAsJsonObject();
      } catch (JsonParseException | IllegalStateException e) {
        throw new InvalidInputException(file + ": corrupt safetensors header: " + e.getMessage(), e);
      }
      long dataStart = 8 + headerLen;
      Map<String, TensorInfo> tensors = new LinkedHashMap<>();
      for (Map.Entry<String, JsonElement> e : root.entrySet()) {
        if (e.getKey().equals("__metadata__")) {
          continue;
        }
        JsonObject t = e.getValue().getAsJsonObject();
        long[] shape = t.getAsJsonArray("shape").asList().stream()
            .mapToLong(JsonElement::getAsLong).toArray();
        long begin = t.getAsJsonArray("data_offsets").get(0).getAsLong();
        long end = t.getAsJsonArray("data_offsets").get(1).getAsLong();
        if (begin < 0 || end < begin || dataStart + end > size) {
          throw new InvalidInputException(file + ": tensor " + e.getKey() + " lies at bytes ["
              + begin + ", " + end + ") beyond the file's " + (size - dataStart)
              + " data bytes; the file is truncated or corrupt");
        }
        tensors.put(e.getKey(),
            new TensorInfo(e.getKey(), t.get("dtype").getAsString(), shape, begin, end));
      }
      return new SafetensorsFile(file, ch, dataStart, Collections.unmodifiableMap(tensors));
    } catch (NoSuchFileException e) {
      closeQuietly(ch);
      throw new InvalidInputException("safetensors file not found: " + file, e);
    } catch (IOException e) {
      closeQuietly(ch);
      throw new UncheckedIOException("cannot read " + file, e);
    } catch (RuntimeException e) {
      closeQuietly(ch);
      throw e;
    }
  }

  /**
   * Where tensor {@code name}'s raw bytes lie in the file: the byte offset from the file's start
   * (past the length prefix and the header) and the length, for readers that map the file
   * themselves (ONNX external data).
   */
  public long[] byteRange(String name) {
    TensorInfo t = info(name);
    return new long[] {dataStart + t.begin(), t.end() - t.begin()};
  }

  public Path file() {
    return file;
  }

  public Set<String> tensorNames() {
    return tensors.keySet();
  }

  /** The tensor's header entry; fails naming the file and tensor when absent. */
  public TensorInfo info(String name) {
    TensorInfo t = tensors.get(name);
    if (t == null) {
      throw new InvalidInputException(file + ": no tensor '" + name + "' (the file holds "
          + tensors.size() + " tensors)");
    }
    return t;
  }

  /** The whole tensor as float32, row-major. */
  public float[] read(String name) {
    TensorInfo t = info(name);
    int[] all = new int[Math.toIntExact(t.rows())];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    return readRows(name, all);
  }

  /** Rows {@code rows} (indices into the first dimension) as float32, row-major. */
  public float[] readRows(String name, int... rows) {
    TensorInfo t = info(name);
    DType dtype = dtype(t);
    long rowElements = t.rowElements();
    long rowBytes = rowElements * dtype.bytes();
    if ((t.end() - t.begin()) != t.rows() * rowBytes) {
      throw new InvalidInputException(file + ": tensor " + name + " has " + (t.end() - t.begin())
          + " bytes, its shape and dtype need " + t.rows() * rowBytes);
    }
    float[] out = new float[Math.toIntExact(rows.length * rowElements)];
    long tensorStart = dataStart + t.begin();
    long tensorBytes = t.end() - t.begin();
    try {
      // Map the tensor once when it fits one mapping (2 GiB); else map each row on its own.
      MappedByteBuffer whole = tensorBytes <= Integer.MAX_VALUE
          ? channel.map(FileChannel.MapMode.READ_ONLY, tensorStart, tensorBytes) : null;
      try {
        for (int r = 0; r < rows.length; r++) {
          if (rows[r] < 0 || rows[r] >= t.rows()) {
            throw new IndexOutOfBoundsException(
                "row " + rows[r] + " of tensor " + name + " with " + t.rows() + " rows");
          }
          ByteBuffer buf;
          MappedByteBuffer row = null;
          if (whole != null) {
            buf = whole.slice(Math.toIntExact(rows[r] * rowBytes), Math.toIntExact(rowBytes));
          } else {
            row = channel.map(FileChannel.MapMode.READ_ONLY, tensorStart + rows[r] * rowBytes, rowBytes);
            buf = row;
          }
          buf.order(ByteOrder.LITTLE_ENDIAN);
          int base = Math.toIntExact(r * rowElements);
          switch (dtype) {
            case F32 -> buf.asFloatBuffer().get(out, base, Math.toIntExact(rowElements));
            case F16 -> {
              for (int i = 0; i < rowElements; i++) {
                out[base + i] = halfToFloat(buf.getShort());
              }
            }
            case BF16 -> {
              for (int i = 0; i < rowElements; i++) {
                out[base + i] = Float.intBitsToFloat((buf.getShort() & 0xffff) << 16);
              }
            }
          }
          FileMappings.release(row);
        }
      } finally {
        FileMappings.release(whole); // read into out: nothing refers to the mapping any more
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read tensor " + name + " of " + file, e);
    }
    return out;
  }

  /** The element type of tensor {@code name}; fails naming it when lager cannot read it. */
  public DType dtype(String name) {
    return dtype(info(name));
  }

  /**
   * Rows {@code [from, to)} of tensor {@code name} as its raw little-endian bytes: a read-only
   * view of the file mapping, not a copy, valid until this file is closed (which unmaps it). A backend that converts
   * on the device reads weights this way (bfloat16 bits included) instead of widening them in Java.
   * At most {@link Integer#MAX_VALUE} bytes at a time.
   */
  public ByteBuffer mapRows(String name, long from, long to) {
    TensorInfo t = info(name);
    DType dtype = dtype(t);
    long rowBytes = t.rowElements() * dtype.bytes();
    if ((t.end() - t.begin()) != t.rows() * rowBytes) {
      throw new InvalidInputException(file + ": tensor " + name + " has " + (t.end() - t.begin())
          + " bytes, its shape and dtype need " + t.rows() * rowBytes);
    }
    if (from < 0 || to > t.rows() || from > to) {
      throw new IndexOutOfBoundsException(
          "rows [" + from + ", " + to + ") of tensor " + name + " with " + t.rows() + " rows");
    }
    long bytes = (to - from) * rowBytes;
    if (bytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("rows [" + from + ", " + to + ") of tensor " + name
          + " are " + bytes + " bytes, over one mapping's 2 GiB: map fewer rows at a time");
    }
    try {
      MappedByteBuffer m = channel.map(FileChannel.MapMode.READ_ONLY,
          dataStart + t.begin() + from * rowBytes, bytes);
      m.order(ByteOrder.LITTLE_ENDIAN);
      synchronized (mapped) {
        mapped.add(m);
      }
      return m;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read tensor " + name + " of " + file, e);
    }
  }

  private DType dtype(TensorInfo t) {
    try {
      return DType.valueOf(t.dtype());
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(file + ": tensor " + t.name() + " has dtype " + t.dtype()
          + "; supported: F32, F16, BF16");
    }
  }

  /** IEEE 754 binary16 to float32, exact (Float.float16ToFloat arrived only in Java 20). */
  static float halfToFloat(short half) {
    int h = half & 0xffff;
    int sign = (h & 0x8000) << 16;
    int exp = (h >>> 10) & 0x1f;
    int mant = h & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
      float v = mant * 0x1p-24f;
      return sign == 0 ? v : -v;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
    long pos = position;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos);
      if (n < 0) {
        throw new IOException("unexpected end of file at byte " + pos);
      }
      pos += n;
    }
  }

  private static void closeQuietly(FileChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // already failing
      }
    }
  }

  /**
   * SHA-256 (hex) of the file's length prefix and JSON header: every tensor's name, dtype, shape
   * and place, without reading the weights. Part of a run's model fingerprint.
   */
  public String headerSha256() {
    ByteBuffer header = ByteBuffer.allocate(Math.toIntExact(dataStart));
    try {
      readFully(channel, header, 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return io.github.lager.core.io.Sha256.ofParts(header.array());
  }

  /**
   * Releases the mappings {@link #mapRows} handed out, keeping the file open: after this, a buffer
   * it returned must not be read. A backend calls it once its weights are on the device, so the
   * checkpoint's pages are no longer held by this process.
   */
  public void releaseMappings() {
    synchronized (mapped) {
      mapped.forEach(FileMappings::release);
      mapped.clear();
    }
  }

  /**
   * Closes the file and releases the mappings {@link #mapRows} handed out: after this, a buffer it
   * returned must not be read.
   */
  @Override
  public void close() {
    releaseMappings();
    try {
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close " + file, e);
    }
  }
}
