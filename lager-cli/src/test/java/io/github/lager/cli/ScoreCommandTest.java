package io.github.lager.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.lager.core.io.LayerWeightsJson;
import io.github.lager.core.io.ResultsJson;
import io.github.lager.core.io.ScoredSample;
import io.github.lager.core.math.LayerWeights;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** `lager score` then `lager evaluate` on the fixtures, offline, against the golden outputs. */
class ScoreCommandTest {
  static Path fixture(String name) {
    return Path.of(System.getProperty("lager.project.root", ".."), "fixtures", name);
  }

  /** The 24 golden prompts as input JSON Lines, with the project's annotation as human scores. */
  static Path promptsFile(Path dir, String model) throws IOException {
    JsonArray batch1 = golden(model).getAsJsonArray("batch1");
    Map<Long, Double> human = new HashMap<>();
    try (var in = ScoreCommandTest.class.getResourceAsStream(
        BundledSamples.SAMPLES + BundledSamples.DATA)) {
      for (ScoredSample s : ResultsJson.read(new StringReader(
          new String(in.readAllBytes(), StandardCharsets.UTF_8)), "bundled")) {
        human.put(s.idx(), s.humanScore().orElseThrow().mean());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (JsonElement e : batch1) {
      JsonObject b = e.getAsJsonObject();
      JsonObject line = new JsonObject();
      line.addProperty("user_prompt", b.get("prompt").getAsString());
      line.addProperty("score", human.get(b.get("idx").getAsLong()).intValue());
      sb.append(line).append('\n');
    }
    Path f = dir.resolve("prompts.jsonl");
    Files.writeString(f, sb.toString());
    return f;
  }

  static JsonObject golden(String model) throws IOException {
    return JsonParser.parseString(Files.readString(fixture(model).resolve("golden/golden.json")))
        .getAsJsonObject();
  }

  /**
   * The model is parsed once per run: one parse of config.json and one open of the checkpoint,
   * whose fingerprint heads the manifest and whose parsed tensors the backend loads; a resumed
   * finished run parses it once too, and loads no backend.
   */
  @Test
  void aScoreRunParsesTheModelOnce(@TempDir Path dir) throws IOException {
    Path out = dir.resolve("results.json");
    Path prompts = promptsFile(dir, "tiny-llama");
    int configReads = io.github.lager.hf.architecture.ModelConfig.readCount();
    int checkpointOpens = io.github.lager.hf.checkpoint.Checkpoint.openCount();
    var r = EvaluateCommandTest.lager("score", "--model", fixture("tiny-llama").toString(),
        "--data", prompts.toString(), "--out", out.toString(), "--quiet");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(io.github.lager.hf.architecture.ModelConfig.readCount() - configReads).isEqualTo(1);
    assertThat(io.github.lager.hf.checkpoint.Checkpoint.openCount() - checkpointOpens).isEqualTo(1);
    var again = EvaluateCommandTest.lager("score", "--model", fixture("tiny-llama").toString(),
        "--data", prompts.toString(), "--out", out.toString(), "--resume", "--quiet");
    assertThat(again.out()).contains("is already complete");
    assertThat(io.github.lager.hf.architecture.ModelConfig.readCount() - configReads).isEqualTo(2);
    assertThat(io.github.lager.hf.checkpoint.Checkpoint.openCount() - checkpointOpens).isEqualTo(2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"tiny-qwen2", "tiny-llama"})
  void scoreThenEvaluateMatchesTheReference(String model, @TempDir Path dir) throws IOException {
    Path out = dir.resolve("results.json");
    var r = EvaluateCommandTest.lager("score", "--model", fixture(model).toString(), "--data",
        promptsFile(dir, model).toString(), "--out", out.toString(), "--batch-size", "3", "--quiet");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("scored 24 of 24 samples").contains("wrote " + out);
    List<ScoredSample> results = ResultsJson.read(out);
    assertThat(results).hasSize(24);
    JsonObject g = golden(model);
    Map<Long, Double> lagerWo = new HashMap<>();
    g.getAsJsonObject("eval_uniform").getAsJsonArray("rows").forEach(e -> lagerWo.put(
        e.getAsJsonObject().get("idx").getAsLong(), e.getAsJsonObject().get("lager_wo").getAsDouble()));
    JsonArray written = JsonParser.parseString(Files.readString(out)).getAsJsonArray();
    for (int i = 0; i < 24; i++) {
      JsonObject b = g.getAsJsonArray("batch1").get(i).getAsJsonObject();
      ScoredSample s = results.get(i);
      assertThat(s.idx()).isEqualTo(b.get("idx").getAsLong());
      assertThat(s.isValid()).as("validity of idx %d", s.idx()).isEqualTo(b.get("valid").getAsBoolean());
      assertThat(s.generatedIds().orElseThrow()).containsExactly(g.getAsJsonArray("traces").get(i)
          .getAsJsonObject().getAsJsonArray("generated").asList().stream().mapToInt(JsonElement::getAsInt).toArray());
      if (!s.isValid()) {
        continue;
      }
      JsonArray rows = b.getAsJsonArray("logits");
      for (int l = 0; l < rows.size(); l++) {
        for (int k = 0; k < 5; k++) {
          double expected = rows.get(l).getAsJsonArray().get(k).getAsDouble();
          assertThat((double) s.logits().get().get(l, k)).as("%s idx %d entry %d", model, s.idx(), l)
              .isCloseTo(expected, within(1e-4 * Math.max(1, Math.abs(expected))));
        }
      }
      assertThat(s.eScore()).isCloseTo(b.get("weighted_score").getAsDouble(), within(1e-4));
      assertThat(written.get(i).getAsJsonObject().get("lager_wo").getAsDouble())
          .isCloseTo(lagerWo.get(s.idx()), within(1e-4));
    }
    var ev = EvaluateCommandTest.lager("evaluate", "--data", out.toString());
    assertThat(ev.code()).as(ev.err()).isZero();
    long valid = results.stream().filter(ScoredSample::isValid).count();
    assertThat(ev.out()).contains("evaluated " + valid + " samples (" + (24 - valid) + " invalid skipped");
  }

  @Test
  void judgeRunsTheEmbeddedDefault() {
    var r = EvaluateCommandTest.lager("judge", "--quiet");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("bundled tiny-llama checkpoint")
        .contains("(no score token: invalid)")
        .contains("scored 8 of 8 samples: 7 with a score token, 1 without");
    // idx 0 of tiny-llama: the reference's direct score 4, E-score 3.99870, lager_wo 3.15067
    assertThat(r.out()).containsPattern("\\n\\s+0\\s+5\\.00\\s+4\\s+3\\.9987\\s+3\\.1507");
  }

  @Test
  void badModelsAndWeightsAreNamed(@TempDir Path dir) throws IOException {
    Path prompts = promptsFile(dir, "tiny-qwen2");
    Path empty = Files.createDirectories(dir.resolve("empty-model"));
    var r = EvaluateCommandTest.lager("score", "--model", empty.toString(), "--data",
        prompts.toString(), "--out", dir.resolve("o.json").toString());
    assertThat(r.code()).isEqualTo(LagerCli.EXIT_ERROR);
    assertThat(r.err()).contains("is not a complete Hugging Face model directory: missing config.json");

    Path w = dir.resolve("w.json");
    LayerWeightsJson.write(w, LayerWeights.uniform(32));
    var r2 = EvaluateCommandTest.lager("score", "--model", fixture("tiny-qwen2").toString(), "--data",
        prompts.toString(), "--out", dir.resolve("o.json").toString(), "--weights", w.toString());
    assertThat(r2.code()).isEqualTo(LagerCli.EXIT_ERROR);
    assertThat(r2.err()).contains("have 32 weights").contains("the logits have 5 entries");

    var r3 = EvaluateCommandTest.lager("score", "--model", fixture("tiny-qwen2").toString(), "--data",
        prompts.toString(), "--out", dir.resolve("o.json").toString(), "--points", "10");
    assertThat(r3.err()).contains("the label \"10\" is not one token of the vocabulary");

    var r4 = EvaluateCommandTest.lager("score", "--model", fixture("tiny-qwen2").toString(), "--data",
        prompts.toString(), "--out", dir.resolve("o.json").toString(), "--backend", "tensorrt");
    assertThat(r4.err()).contains("unknown backend 'tensorrt' (requested); available: djl, onnx");
  }

  @Test
  void theOnnxBackendScoresTheSame(@TempDir Path dir) throws IOException {
    Path prompts = promptsFile(dir, "tiny-llama");
    Path viaDjl = dir.resolve("djl.json");
    Path viaOnnx = dir.resolve("onnx.json");
    for (String[] run : new String[][] {{"djl", viaDjl.toString()}, {"onnx", viaOnnx.toString()}}) {
      var r = EvaluateCommandTest.lager("score", "--model", fixture("tiny-llama").toString(),
          "--data", prompts.toString(), "--out", run[1], "--backend", run[0]);
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.err()).contains("backend " + run[0]);
    }
    List<ScoredSample> a = ResultsJson.read(viaDjl);
    List<ScoredSample> b = ResultsJson.read(viaOnnx);
    for (int i = 0; i < a.size(); i++) {
      assertThat(b.get(i).isValid()).isEqualTo(a.get(i).isValid());
      assertThat(b.get(i).eScore()).isCloseTo(a.get(i).eScore(), within(1e-4));
    }
  }

  @Test
  void overLongPromptsAreDroppedAndCounted(@TempDir Path dir) throws IOException {
    Path out = dir.resolve("results.json");
    var r = EvaluateCommandTest.lager("score", "--model", fixture("tiny-qwen2").toString(), "--data",
        promptsFile(dir, "tiny-qwen2").toString(), "--out", out.toString(), "--max-length", "170",
        "--quiet");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).containsPattern("\\d+ too long \\(dropped\\)")
        .contains("over the maximum length 170");
    assertThat(ResultsJson.read(out).size()).isLessThan(24).isGreaterThan(0);
  }
}
