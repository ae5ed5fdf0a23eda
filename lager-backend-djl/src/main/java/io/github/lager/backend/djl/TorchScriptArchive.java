package io.github.lager.backend.djl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A TorchScript archive assembled in memory from source text, which libtorch compiles when it
 * loads it ({@code torch::jit::load}): no export step, no Python. Four zip entries suffice:
 *
 * <ul>
 *   <li>{@code NAME/version}: the serialization format, {@code 3};
 *   <li>{@code NAME/constants.pkl}: the pickle of an empty tuple;
 *   <li>{@code NAME/data.pkl}: the pickle (protocol 2) of the module object, of class
 *       {@code __torch__.CLASS}, with its attributes ({@code training} and the ones given here);
 *   <li>{@code NAME/code/__torch__.py}: the TorchScript source of {@code class CLASS(Module)},
 *       which declares every attribute with its type.
 * </ul>
 *
 * Attributes are {@code bool}, {@code int}, {@code float} or {@code str}; the module has no
 * parameters or buffers (weights are passed to its methods).
 */
final class TorchScriptArchive {
  private static final String NAME = "lager";

  private TorchScriptArchive() {}

  /**
   * @param className the class the source defines (its module object is what loads)
   * @param source TorchScript source of the class
   * @param attributes attribute values, in the order the pickle writes them
   */
  static byte[] of(String className, String source, Map<String, Object> attributes) {
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("training", false);
    state.putAll(attributes);
    ByteArrayOutputStream zip = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(zip)) {
      put(z, NAME + "/version", "10\n".getBytes(StandardCharsets.UTF_8));
      put(z, NAME + "/constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
      put(z, NAME + "/data.pkl", pickleModule(className, state));
      put(z, NAME + "/code/__torch__.py", source.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return zip.toByteArray();
  }

  /** {@code __torch__.CLASS} object with {@code state} as its attributes, pickle protocol 2. */
  static byte[] pickleModule(String className, Map<String, Object> state) {
    Pickle p = new Pickle();
    p.raw(0x80, 2); // PROTO 2
    p.raw('c'); // GLOBAL module\nname\n
    p.bytes(("__torch__\n" + className + "\n").getBytes(StandardCharsets.UTF_8));
    p.raw(')', 0x81); // EMPTY_TUPLE, NEWOBJ
    p.raw('}', '('); // EMPTY_DICT, MARK
    for (Map.Entry<String, Object> e : state.entrySet()) {
      p.string(e.getKey());
      p.value(e.getKey(), e.getValue());
    }
    p.raw('u', 'b', '.'); // SETITEMS, BUILD, STOP
    return p.out.toByteArray();
  }

  private static final class Pickle {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();

    void raw(int... ops) {
      for (int op : ops) {
        out.write(op);
      }
    }

    void bytes(byte[] b) {
      out.write(b, 0, b.length);
    }

    void string(String s) {
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      out.write('X'); // BINUNICODE: 4-byte little-endian length, UTF-8
      bytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(utf8.length).array());
      bytes(utf8);
    }

    void value(String name, Object v) {
      if (v instanceof Boolean b) {
        out.write(b ? 0x88 : 0x89); // NEWTRUE, NEWFALSE
      } else if (v instanceof Integer i) {
        out.write('J'); // BININT: 4-byte little-endian signed
        bytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(i).array());
      } else if (v instanceof Double d) {
        out.write('G'); // BINFLOAT: 8-byte big-endian double
        bytes(ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putDouble(d).array());
      } else if (v instanceof String s) {
        string(s);
      } else {
        throw new IllegalArgumentException("attribute " + name + ": cannot pickle "
            + (v == null ? "null" : v.getClass().getSimpleName()) + " (bool, int, float, str)");
      }
    }
  }

  private static void put(ZipOutputStream z, String name, byte[] data) throws IOException {
    ZipEntry e = new ZipEntry(name);
    e.setMethod(ZipEntry.STORED);
    e.setSize(data.length);
    CRC32 crc = new CRC32();
    crc.update(data);
    e.setCrc(crc.getValue());
    z.putNextEntry(e);
    z.write(data);
    z.closeEntry();
  }
}
