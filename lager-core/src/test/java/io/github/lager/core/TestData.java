package io.github.lager.core;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.lager.core.math.LayerLogits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Where the tests find the project's fixtures and the optional shared data. */
public final class TestData {
  /** The fixture checkpoints. */
  public static final String[] MODELS = {"tiny-qwen2", "tiny-llama", "tiny-qwen3", "tiny-gemma3",
      "tiny-phi3"};

  private TestData() {}

  /** {@link #MODELS} as a JUnit argument source. */
  public static java.util.stream.Stream<String> models() {
    return java.util.Arrays.stream(MODELS);
  }

  /** The repository root (surefire passes it; else found from the working directory). */
  public static Path projectRoot() {
    String root = System.getProperty("lager.project.root");
    if (root != null && Files.isDirectory(Path.of(root, "fixtures"))) {
      return Path.of(root);
    }
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("fixtures"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("no fixtures/ folder above " + Path.of("").toAbsolutePath());
    }
    return p;
  }

  public static Path fixture(String model) {
    return projectRoot().resolve("fixtures").resolve(model);
  }

  public static JsonObject golden(String model) {
    return readJson(fixture(model).resolve("golden/golden.json")).getAsJsonObject();
  }

  /** ../shared/data when present (it is beside the checkout here and in CI, not in a user's clone). */
  public static Optional<Path> sharedData() {
    String configured = System.getProperty("lager.shared.data");
    Path p = configured != null ? Path.of(configured)
        : projectRoot().resolve("../shared/data").normalize();
    return Files.isDirectory(p) ? Optional.of(p) : Optional.empty();
  }

  public static JsonElement readJson(Path file) {
    try {
      return JsonParser.parseString(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static float[] floats(JsonArray a) {
    float[] out = new float[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).getAsFloat();
    }
    return out;
  }

  public static double[] doubles(JsonArray a) {
    double[] out = new double[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).getAsDouble();
    }
    return out;
  }

  public static float[][] matrix(JsonArray rows) {
    float[][] out = new float[rows.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = floats(rows.get(i).getAsJsonArray());
    }
    return out;
  }

  public static LayerLogits logits(JsonObject goldenSample) {
    return LayerLogits.of(matrix(goldenSample.getAsJsonArray("logits")));
  }
}
