package io.github.lager.testkit;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.lager.core.math.LabelTokens;
import io.github.lager.core.math.LayerLogits;
import io.github.lager.core.math.ScoreHead;
import io.github.lager.hf.checkpoint.Checkpoint;
import io.github.lager.hf.checkpoint.SafetensorsFile;
import io.github.lager.hf.checkpoint.SafetensorsWriter;
import io.github.lager.hf.model.ModelDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A fixture checkpoint (fixtures/tiny-*: Qwen2, Llama, Qwen3, Gemma 3, Phi-3) with the outputs
 * the published reference code produced on it (golden/golden.json): per prompt the
 * chat-templated text, token ids, 10 greedy ids, the score step, the hidden states at the score
 * position and the per-layer score logits of batch sizes 1 and 4.
 *
 * @param batch4Tolerance the tolerance for the reference's batch-4 logits: the project's
 *     {@link #RELATIVE_TOLERANCE}, or the reference's own spread between its batch-4 and batch-1
 *     logits when that is larger (Gemma 3: the reference pads its batches to 2048 positions, and
 *     its sliding windows then see the padding: up to 8e-3)
 */
public record GoldenFixture(String name, Path dir, LabelTokens labelTokens, int numHiddenLayers,
    List<Prompt> prompts, double batch4Tolerance) {
  /** The five fixtures. */
  public static final List<String> NAMES = List.of("tiny-qwen2", "tiny-llama", "tiny-qwen3",
      "tiny-gemma3", "tiny-phi3");
  /** {@link #NAMES} as a JUnit argument source. */
  public static java.util.stream.Stream<String> names() {
    return NAMES.stream();
  }

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
    return new GoldenFixture(name, dir,
        LabelTokens.oneToK(ints(g.getAsJsonArray("score_token_ids"))),
        g.get("num_hidden_layers").getAsInt(), prompts,
        Math.max(RELATIVE_TOLERANCE, spread(prompts)));
  }

  /** The fixture's score head: its LM-head rows (the embedding rows when tied) of "1".."5". */
  public ScoreHead scoreHead() {
    try (ModelDirectory md = ModelDirectory.open(dir)) {
      return md.scoreHead(labelTokens);
    }
  }

  /**
   * The whole LM head (the embedding when tied), {@code [vocab][hidden]} row-major float32: for
   * checks over the full vocabulary.
   */
  public float[] lmHead() {
    try (ModelDirectory md = ModelDirectory.open(dir)) {
      return md.checkpoint().read(md.layout().lmHead().name());
    }
  }

  /** The largest {@code |batch4 - batch1| / max(1, |batch1|)} of the reference's own logits. */
  private static double spread(List<Prompt> prompts) {
    double worst = 0;
    for (Prompt p : prompts) {
      if (p.batch1Logits().isPresent() && p.batch4Logits().isPresent()) {
        LayerLogits a = p.batch1Logits().get();
        LayerLogits b = p.batch4Logits().get();
        for (int l = 0; l < a.entries(); l++) {
          float[] x = a.row(l);
          float[] y = b.row(l);
          for (int k = 0; k < x.length; k++) {
            worst = Math.max(worst, Math.abs(x[k] - y[k]) / Math.max(1, Math.abs(x[k])));
          }
        }
      }
    }
    return worst;
  }

  private static Optional<LayerLogits> logits(JsonObject b) {
    return b.get("valid").getAsBoolean()
        ? Optional.of(LayerLogits.of(matrix(b.getAsJsonArray("logits")))) : Optional.empty();
  }

  static int[] ints(JsonArray a) {
    return a.asList().stream().mapToInt(JsonElement::getAsInt).toArray();
  }


  /**
   * This fixture's model (config, tokenizer and every weight, in {@code dtype}) written into
   * {@code dir}, with {@code value} put in the middle of {@code tensor} (nothing changed when no
   * tensor has that name): a damaged copy for the tests of the checks a backend runs at load.
   */
  public Path copyWithValue(Path dir, SafetensorsFile.DType dtype, String tensor, float value)
      throws IOException {
    Files.createDirectories(dir);
    for (String file : new String[] {"config.json", "tokenizer.json", "tokenizer_config.json"}) {
      Files.copy(dir().resolve(file), dir.resolve(file));
    }
    List<SafetensorsWriter.Tensor> tensors = new ArrayList<>();
    try (Checkpoint ckpt = Checkpoint.open(dir())) {
      for (String name : ckpt.tensorNames()) {
        float[] values = ckpt.read(name);
        if (name.equals(tensor)) {
          values[values.length / 2] = value;
        }
        tensors.add(SafetensorsWriter.Tensor.of(name, dtype, ckpt.info(name).shape(), values));
      }
    }
    SafetensorsWriter.write(dir.resolve(Checkpoint.SINGLE), tensors);
    return dir;
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
