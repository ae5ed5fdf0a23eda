package io.github.lager.hf.checkpoint;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.lager.core.InvalidInputException;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The weights of a Hugging Face model directory: one {@code model.safetensors}, or shards listed
 * in {@code model.safetensors.index.json}. Tensors are read on demand, by name, widened to
 * float32 ({@link SafetensorsFile}).
 */
public final class Checkpoint implements Closeable {
  public static final String SINGLE = "model.safetensors";
  public static final String INDEX = "model.safetensors.index.json";

  private final Path dir;
  private final Map<String, SafetensorsFile> byTensor;
  private final List<SafetensorsFile> files;

  private Checkpoint(Path dir, Map<String, SafetensorsFile> byTensor, List<SafetensorsFile> files) {
    this.dir = dir;
    this.byTensor = byTensor;
    this.files = files;
  }

  /** How many checkpoints were opened in this JVM (tests count the opens of a run). */
  private static final java.util.concurrent.atomic.AtomicInteger OPENS =
      new java.util.concurrent.atomic.AtomicInteger();

  /** The number of {@link #open} calls in this JVM: a run must open its checkpoint once. */
  public static int openCount() {
    return OPENS.get();
  }

  /** Opens the checkpoint of {@code dir}; fails naming what is missing or corrupt. */
  public static Checkpoint open(Path dir) {
    OPENS.incrementAndGet();
    Path index = dir.resolve(INDEX);
    Path single = dir.resolve(SINGLE);
    Map<String, SafetensorsFile> byTensor = new LinkedHashMap<>();
    List<SafetensorsFile> files = new ArrayList<>();
    try {
      if (Files.exists(index)) {
        String indexText;
        try {
          indexText = Files.readString(index);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read " + index, e);
        }
        JsonObject map;
        try {
          map = JsonParser.parseString(indexText).getAsJsonObject()
              .getAsJsonObject("weight_map");
        } catch (JsonParseException | IllegalStateException | ClassCastException e) {
          throw new InvalidInputException(index + ": malformed shard index: " + e.getMessage(), e);
        }
        if (map == null) {
          throw new InvalidInputException(index + ": field 'weight_map' is missing");
        }
        Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : map.entrySet()) {
          String shard = e.getValue().getAsString();
          SafetensorsFile f = shards.get(shard);
          if (f == null) {
            Path p = dir.resolve(shard);
            if (!Files.exists(p)) {
              throw new InvalidInputException(index + " lists shard " + shard
                  + ", which is missing from " + dir);
            }
            f = SafetensorsFile.open(p);
            shards.put(shard, f);
            files.add(f);
          }
          if (!f.tensorNames().contains(e.getKey())) {
            throw new InvalidInputException(index + " puts tensor " + e.getKey() + " in " + shard
                + ", which does not hold it");
          }
          byTensor.put(e.getKey(), f);
        }
      } else if (Files.exists(single)) {
        SafetensorsFile f = SafetensorsFile.open(single);
        files.add(f);
        for (String name : f.tensorNames()) {
          byTensor.put(name, f);
        }
      } else {
        throw new InvalidInputException(dir + " has no " + SINGLE + " and no " + INDEX
            + " (found: " + listing(dir) + "); lager reads safetensors checkpoints");
      }
    } catch (RuntimeException e) {
      files.forEach(SafetensorsFile::close);
      throw e;
    }
    return new Checkpoint(dir, byTensor, files);
  }

  public Path dir() {
    return dir;
  }

  public Set<String> tensorNames() {
    return byTensor.keySet();
  }

  public boolean has(String name) {
    return byTensor.containsKey(name);
  }

  public SafetensorsFile.TensorInfo info(String name) {
    return file(name).info(name);
  }

  /** The whole tensor as float32. */
  public float[] read(String name) {
    return file(name).read(name);
  }

  /** Rows of a 2-D tensor as float32 (the score head reads K rows of the LM head). */
  public float[] readRows(String name, int... rows) {
    return file(name).readRows(name, rows);
  }

  /** Where a tensor's raw little-endian bytes lie: the file, the byte offset in it and the length. */
  public record Location(Path file, long offset, long length) {}

  /** The place of tensor {@code name}'s bytes ({@link SafetensorsFile#byteRange}). */
  public Location location(String name) {
    SafetensorsFile f = file(name);
    long[] range = f.byteRange(name);
    return new Location(f.file(), range[0], range[1]);
  }

  /** The element type of tensor {@code name}. */
  public SafetensorsFile.DType dtype(String name) {
    return file(name).dtype(name);
  }

  /** Rows {@code [from, to)} of a tensor as raw bytes, without a copy ({@link SafetensorsFile#mapRows}). */
  public java.nio.ByteBuffer mapRows(String name, long from, long to) {
    return file(name).mapRows(name, from, to);
  }

  /**
   * SHA-256 (hex) over every shard's name and safetensors header ({@link
   * SafetensorsFile#headerSha256()}), in the checkpoint's order: changes when any tensor's name,
   * dtype, shape or place changes, without reading the weights.
   */
  public String headersSha256() {
    List<byte[]> parts = new ArrayList<>();
    for (SafetensorsFile f : files) {
      parts.add(f.file().getFileName().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      parts.add(f.headerSha256().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    return io.github.lager.core.io.Sha256.ofParts(parts.toArray(byte[][]::new));
  }

  private SafetensorsFile file(String name) {
    SafetensorsFile f = byTensor.get(name);
    if (f == null) {
      throw new InvalidInputException(dir + ": the checkpoint has no tensor '" + name
          + "'; is this the model the config describes?");
    }
    return f;
  }

  private static String listing(Path dir) {
    if (!Files.isDirectory(dir)) {
      return "the directory does not exist";
    }
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      s.forEach(p -> names.add(p.getFileName().toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return names.isEmpty() ? "nothing" : String.join(", ", names.stream().sorted().toList());
  }

  /**
   * Releases every mapping {@link #mapRows} handed out, keeping the files open (a backend calls it
   * once its weights are loaded; {@link SafetensorsFile#releaseMappings()}).
   */
  public void releaseMappings() {
    files.forEach(SafetensorsFile::releaseMappings);
  }

  /** The safetensors files, in the checkpoint's order (one, or the shards). */
  public List<SafetensorsFile> files() {
    return List.copyOf(files);
  }

  @Override
  public void close() {
    files.forEach(SafetensorsFile::close);
  }
}
