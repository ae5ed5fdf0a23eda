package io.github.lager.testkit;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.lager.core.math.LayerLogits;
import io.github.lager.core.math.ScoreScale;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A fixture checkpoint (fixtures/tiny-qwen2, fixtures/tiny-llama) with the outputs the published
 * reference code produced on it (golden/golden.json): per prompt the chat-templated text, token
 * ids, 10 greedy ids, the score step, the hidden states at the score position and the per-layer
 * score logits of batch sizes 1 and 4.
 */
public record GoldenFixture(String name, Path dir, ScoreScale scale, int numHiddenLayers,
    List<Prompt> prompts) {
  /** The two fixtures. */
  public static final List<String> NAMES = List.of("tiny-qwen2", "tiny-llama");
  /** The parity tolerance of the project: {@code 1e-4 x max(1, |value|)}. */
  public static final double RELATIVE_TOLERANCE = 1e-4;

  /** One golden prompt. */
  public record Prompt(int idx, String prompt, String text, int[] inputIds, int[] generated,
      Optional<Integer> scoreStep, Optional<float[][]> hiddenAtScore,
      Optional<LayerLogits> batch1Logits, Optional<LayerLogits> batch4Logits) {
    public boolean valid() {
      return scoreStep.isPresent();
    }
  }

  /** The repository's fixtures folder (surefire passes the root as lager.project.root). */
  public static Path fixturesDir() {
    String root = System.getProperty("lager.project.root");
    Path p = root != null ? Path.of(root) : Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("fixtures"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("no fixtures/ folder above " + Path.of("").toAbsolutePath());
    }
    return p.resolve("fixtures");
  }

  public static GoldenFixture load(String name) {
    Path dir = fixturesDir().resolve(name);
    JsonObject g;
    try {
      g = JsonParser.parseString(Files.readString(dir.resolve("golden/golden.json")))
          .getAsJsonObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    JsonArray batch1 = g.getAsJsonArray("batch1");
    JsonArray batch4 = g.getAsJsonArray("batch4");
    JsonArray traces = g.getAsJsonArray("traces");
    List<Prompt> prompts = new ArrayList<>();
    for (int i = 0; i < traces.size(); i++) {
      JsonObject t = traces.get(i).getAsJsonObject();
      JsonObject b1 = batch1.get(i).getAsJsonObject();
      JsonObject b4 = batch4.get(i).getAsJsonObject();
      Optional<Integer> step = t.has("score_step") && !t.get("score_step").isJsonNull()
          ? Optional.of(t.get("score_step").getAsInt()) : Optional.empty();
      Optional<float[][]> hidden = t.has("hidden_at_score") && !t.get("hidden_at_score").isJsonNull()
          ? Optional.of(matrix(t.getAsJsonArray("hidden_at_score"))) : Optional.empty();
      prompts.add(new Prompt(b1.get("idx").getAsInt(), b1.get("prompt").getAsString(),
          t.get("text").getAsString(), ints(t.getAsJsonArray("input_ids")),
          ints(t.getAsJsonArray("generated")), step, hidden, logits(b1), logits(b4)));
    }
    return new GoldenFixture(name, dir, ScoreScale.ofTokenIds(ints(g.getAsJsonArray("score_token_ids"))),
        g.get("num_hidden_layers").getAsInt(), prompts);
  }

  private static Optional<LayerLogits> logits(JsonObject b) {
    return b.get("valid").getAsBoolean()
        ? Optional.of(LayerLogits.of(matrix(b.getAsJsonArray("logits")))) : Optional.empty();
  }

  static int[] ints(JsonArray a) {
    return a.asList().stream().mapToInt(JsonElement::getAsInt).toArray();
  }

  static float[][] matrix(JsonArray rows) {
    float[][] out = new float[rows.size()][];
    for (int i = 0; i < out.length; i++) {
      JsonArray r = rows.get(i).getAsJsonArray();
      out[i] = new float[r.size()];
      for (int j = 0; j < out[i].length; j++) {
        out[i][j] = r.get(j).getAsFloat();
      }
    }
    return out;
  }
}
