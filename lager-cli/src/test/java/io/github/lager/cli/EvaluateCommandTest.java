package io.github.lager.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.lager.core.io.LayerWeightsJson;
import io.github.lager.core.math.LayerWeights;
import io.github.lager.eval.report.ReportCharts;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluateCommandTest {
  record Run(int code, String out, String err) {}

  static Run lager(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = LagerCli.run(new PrintWriter(out), new PrintWriter(err), args);
    return new Run(code, out.toString(), err.toString());
  }

  static Path flaskDir() {
    String shared = System.getProperty("lager.shared.data");
    Path dir = shared == null ? null : Path.of(shared, "int-rule-flask");
    assumeTrue(dir != null && Files.isDirectory(dir),
        "../shared/data/int-rule-flask is absent (it is not part of the repository)");
    return dir;
  }

  @Test
  void bundledSampleRunsWithNoArguments(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("report.json");
    Run r = lager("evaluate", "--json", json.toString(), "--plots", dir.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("left out 8 samples whose idx is in the validation file")
        .contains("evaluated 15 samples (1 invalid skipped: no score token)")
        .contains("| lager_w ");
    JsonObject report = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
    assertThat(report.get("n").getAsInt()).isEqualTo(15);
    assertThat(report.get("skipped_invalid").getAsInt()).isEqualTo(1);
    assertThat(report.getAsJsonObject("rows").keySet())
        .containsExactly("direct_score", "e_score", "lager_wo", "lager_w");
    assertThat(Files.size(dir.resolve(ReportCharts.LAYERS))).isGreaterThan(1000);
    assertThat(Files.size(dir.resolve(ReportCharts.HISTOGRAM))).isGreaterThan(1000);
  }

  @Test
  void flaskWithValidationFileLeavesOutTheOverlapAndTunes(@TempDir Path dir) throws Exception {
    Path flask = flaskDir();
    List<String> args = new ArrayList<>(List.of("evaluate", "--data"));
    try (Stream<Path> files = Files.list(flask)) {
      files.filter(p -> p.toString().endsWith(".json")).sorted().forEach(p -> args.add(p.toString()));
    }
    Path valid = flask.resolve("llama31-8b-reasoning-flask-random20.json");
    Path json = dir.resolve("flask.json");
    Path weights = dir.resolve("w.json");
    args.addAll(List.of("--valid", valid.toString(), "--ablation", "--json", json.toString(),
        "--save-weights", weights.toString()));
    Run r = lager(args.toArray(String[]::new));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("539 unique samples (61 repeated idx dropped)")
        .contains("left out 20 samples whose idx is in the validation file")
        .contains("evaluated 519 samples (0 invalid skipped");
    JsonObject rows = JsonParser.parseString(Files.readString(json)).getAsJsonObject()
        .getAsJsonObject("rows");
    assertThat(rows.keySet()).hasSize(10).contains("lager_w", "prob_weighted_agg_max_score");
    LayerWeights w = LayerWeightsJson.read(weights);
    assertThat(w.size()).isEqualTo(32);
    assertThat(w.provenance().orElseThrow().trainingSamples()).isEqualTo(20);

    // The tuner is deterministic: a second run gives the same weights and numbers.
    Path json2 = dir.resolve("flask2.json");
    args.set(args.indexOf(json.toString()), json2.toString());
    args.set(args.indexOf(weights.toString()), dir.resolve("w2.json").toString());
    assertThat(lager(args.toArray(String[]::new)).code()).isZero();
    assertThat(Files.readString(json2)).isEqualTo(Files.readString(json));
    assertThat(LayerWeightsJson.read(dir.resolve("w2.json")).weights()).containsExactly(w.weights());

    // Saved weights give the same lager_w without tuning.
    Path json3 = dir.resolve("flask3.json");
    Run again = lager("evaluate", "--data", flask.resolve("llama31-8b-reasoning-flask-random200.json")
        .toString(), "--weights", weights.toString(), "--json", json3.toString());
    assertThat(again.code()).as(again.err()).isZero();
    assertThat(JsonParser.parseString(Files.readString(json3)).getAsJsonObject()
        .getAsJsonObject("rows").getAsJsonObject("lager_w").get("spearman").getAsDouble())
        .isBetween(0.3, 0.6);
  }

  @Test
  void directAndEScoreMatchTheReferenceNumbersOnTheUnion(@TempDir Path dir) throws Exception {
    Path flask = flaskDir();
    List<String> args = new ArrayList<>(List.of("evaluate", "--json", dir.resolve("r.json").toString(),
        "--data"));
    try (Stream<Path> files = Files.list(flask)) {
      files.filter(p -> p.toString().endsWith(".json")).sorted().forEach(p -> args.add(p.toString()));
    }
    Run r = lager(args.toArray(String[]::new));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("lager_w (tuned) is not computed");
    JsonObject rows = JsonParser.parseString(Files.readString(dir.resolve("r.json")))
        .getAsJsonObject().getAsJsonObject("rows");
    assertThat(rows.getAsJsonObject("lager_wo").get("spearman").getAsDouble())
        .isCloseTo(0.4290, within(0.5e-4));
    assertThat(rows.getAsJsonObject("e_score").get("pearson").getAsDouble())
        .isCloseTo(0.4572, within(0.5e-4));
  }

  @Test
  void badInputExitsWithAMessageNamingTheFile(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "[{\"idx\": 3, \"direct_socre\": 4, \"weighted_socre\": 3.5,"
        + " \"weighted_direct_socre\": 3, \"df\": {\"logits\": {\"0\": [1, 2, 3, 4, 5],"
        + " \"1\": [1, Infinity, 3, 4, 5]}}}]");
    Run r = lager("evaluate", "--data", bad.toString());
    assertThat(r.code()).isEqualTo(LagerCli.EXIT_ERROR);
    // the only sample is unusable: left out, so nothing is left
    assertThat(r.err()).startsWith("lager evaluate: bad input: " + bad + ": holds no samples"
        + " that can be used; first problem: " + bad + ": sample #0 (idx 3): field"
        + " 'df.logits[\"1\"]' holds Infinity for score 2");
    Run missing = lager("evaluate", "--data", dir.resolve("nope.json").toString());
    assertThat(missing.err()).contains("results file not found").contains("nope.json");
    Run both = lager("evaluate", "--data", bad.toString(), "--valid", "a", "--weights", "b");
    assertThat(both.code()).isEqualTo(2);
    assertThat(both.err()).contains("mutually exclusive");
  }

  @Test
  void tuneWritesWeightsThatEvaluateReads(@TempDir Path dir) throws Exception {
    Path bundled = dir.resolve("valid.json");
    try (var in = getClass().getResourceAsStream(BundledSamples.SAMPLES + BundledSamples.VALID)) {
      Files.write(bundled, in.readAllBytes());
    }
    Path w = dir.resolve("w.json");
    Run r = lager("tune", "--data", bundled.toString(), "--out", w.toString(), "--variant", "PAPER",
        "--epochs", "3");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("tuned 5 layer weights on 8 samples").contains("epoch 3: mean loss");
    LayerWeights weights = LayerWeightsJson.read(w);
    assertThat(weights.provenance().orElseThrow().variant()).isEqualTo("paper");
    assertThat(weights.provenance().orElseThrow().hyperparameters()).containsEntry("epochs", 3.0);
  }
}
