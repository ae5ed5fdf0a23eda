package io.github.lager.cli;

import static io.github.lager.cli.EvaluateCommandTest.flaskDir;
import static io.github.lager.cli.EvaluateCommandTest.lager;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.lager.core.calibration.Calibration;
import io.github.lager.core.calibration.CalibrationJson;
import io.github.lager.core.calibration.CalibrationMap;
import io.github.lager.core.io.ScoredSample;
import io.github.lager.core.math.ScoreMethod;
import io.github.lager.core.metrics.Correlation;
import io.github.lager.eval.Bootstrap;
import io.github.lager.eval.ScoreColumns;
import io.github.lager.eval.report.ReportCharts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `lager select`, `lager calibrate` and the statistics of `lager evaluate`, on the bundled sample
 * results (always) and on the FLASK logits of ../shared/data (the acceptance numbers,
 * skipped when absent).
 */
class StatisticsCommandsTest {
  private static EvaluateCommandTest.Run run(String... args) {
    return lager(args);
  }

  static JsonObject json(Path file) throws IOException {
    return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
  }

  static Path bundled(Path dir, String name) throws IOException {
    Path f = dir.resolve(name);
    try (var in = StatisticsCommandsTest.class.getResourceAsStream(BundledSamples.SAMPLES + name)) {
      Files.write(f, in.readAllBytes());
    }
    return f;
  }

  static List<String> flaskFiles() throws IOException {
    try (Stream<Path> files = Files.list(flaskDir())) {
      return files.filter(p -> p.toString().endsWith(".json")).sorted().map(Path::toString)
          .toList();
    }
  }

  @Test
  void selectRanksTheBundledResultsAndCopiesTheSelectedInputLines(@TempDir Path dir)
      throws Exception {
    // The judged inputs: one line per bundled sample, idx by position (0..23).
    StringBuilder inputs = new StringBuilder();
    for (int i = 0; i < 24; i++) {
      inputs.append("{\"user_prompt\": \"prompt ").append(i).append("\",  \"score\": 3}\n");
    }
    Path in = dir.resolve("in.jsonl");
    Files.writeString(in, inputs.toString());
    Path out = dir.resolve("selected.jsonl");
    Path report = dir.resolve("select.json");
    EvaluateCommandTest.Run r = run("select", "--top-frac", "0.25", "--inputs", in.toString(),
        "--out", out.toString(), "--json", report.toString(), "--plots", dir.toString());
    assertThat(r.code()).as(r.err()).isZero();
    // 24 samples, 1 invalid: ceil(0.25 x 23) = 6.
    assertThat(r.out()).contains("ranking the bundled sample results")
        .contains("ranked 23 valid samples by lager_wo (1 invalid skipped")
        .contains("ties broken by the smaller idx")
        .contains("kept the top 25% (ceil(0.25 x 23) = 6) samples")
        .contains("| lager_wo (ranking) |").contains("| all samples");
    JsonObject j = json(report);
    assertThat(j.get("n").getAsInt()).isEqualTo(23);
    assertThat(j.get("selected").getAsInt()).isEqualTo(6);
    assertThat(j.get("top_frac").getAsDouble()).isEqualTo(0.25);
    assertThat(j.getAsJsonObject("baselines").keySet()).containsExactly("direct_score", "e_score");
    List<Long> idx = j.getAsJsonArray("selected_idx").asList().stream()
        .map(JsonElement::getAsLong).toList();
    assertThat(idx).hasSize(6).doesNotContain(15L); // idx 15 has no score token
    // The selected lines, verbatim and in file order.
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      if (idx.contains((long) i)) {
        expected.add("{\"user_prompt\": \"prompt " + i + "\",  \"score\": 3}");
      }
    }
    assertThat(Files.readAllLines(out)).containsExactlyElementsOf(expected);
    // The mean human score of the selection is that of the selected samples.
    Map<Long, Double> human = new HashMap<>();
    for (ScoredSample s : bundledResults(BundledSamples.DATA)) {
      human.put(s.idx(), s.humanScore().orElseThrow().mean());
    }
    double expectedMean = idx.stream().mapToDouble(human::get).average().orElseThrow();
    assertThat(j.get("mean_human_selected").getAsDouble()).isCloseTo(expectedMean, within(1e-12));
    assertThat(Files.size(dir.resolve(ReportCharts.SELECTION))).isGreaterThan(1000);

    EvaluateCommandTest.Run noInputs = run("select", "--top-n", "3", "--out", out.toString());
    assertThat(noInputs.code()).isEqualTo(LagerCli.EXIT_USAGE);
    assertThat(noInputs.err()).contains("--out writes the selected input lines: give the judged"
        + " inputs with --inputs");
    EvaluateCommandTest.Run badScore = run("select", "--top-n", "3", "--score", "lager_x");
    assertThat(badScore.err()).contains("--score: unknown score 'lager_x'; scores: direct_score,");
    assertThat(run("select").code()).as("--top-frac or --top-n is required").isEqualTo(2);
  }

  @Test
  void calibrateThenEvaluateWithTheFileKeepsRankCorrelations(@TempDir Path dir) throws Exception {
    Path valid = bundled(dir, BundledSamples.VALID);
    Path cal = dir.resolve("cal.json");
    EvaluateCommandTest.Run r = run("calibrate", "--method", "linear", "--data", valid.toString(),
        "--out", cal.toString(), "--plots", dir.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("fitted linear calibration maps on 8 samples")
        .contains("lager_wo: human = ").contains("wrote " + cal);
    assertThat(Files.size(dir.resolve(ReportCharts.CALIBRATION))).isGreaterThan(1000);
    Calibration c = CalibrationJson.read(cal);
    assertThat(c.provenance().trainingSamples()).isEqualTo(8);
    assertThat(c.maps()).containsOnlyKeys(ScoreMethod.DIRECT_SCORE, ScoreMethod.E_SCORE,
        ScoreMethod.LAGER_WO);

    Path report = dir.resolve("r.json");
    EvaluateCommandTest.Run e = run("evaluate", "--calibration", cal.toString(), "--json",
        report.toString());
    assertThat(e.code()).as(e.err()).isZero();
    assertThat(e.out()).contains("calibration: linear maps from " + cal);
    JsonObject rows = json(report).getAsJsonObject("calibration").getAsJsonObject("rows");
    for (String score : List.of("direct_score", "e_score", "lager_wo")) {
      JsonObject before = rows.getAsJsonObject(score).getAsJsonObject("before");
      JsonObject after = rows.getAsJsonObject(score).getAsJsonObject("after");
      double slope = ((CalibrationMap.Linear) c.maps().get(ScoreMethod.byKey(score))).slope();
      if (slope > 0) { // a strictly increasing map: rank correlations exactly as they were
        assertThat(after.get("spearman").getAsDouble()).as(score)
            .isCloseTo(before.get("spearman").getAsDouble(), within(1e-12));
        assertThat(after.get("kendall_tau").getAsDouble()).as(score)
            .isCloseTo(before.get("kendall_tau").getAsDouble(), within(1e-12));
      }
      assertThat(before.get("spearman").getAsDouble()).as(score).isEqualTo(json(report)
          .getAsJsonObject("rows").getAsJsonObject(score).get("spearman").getAsDouble());
    }

    EvaluateCommandTest.Run cv = run("evaluate", "--calibrate", "isotonic", "--cv", "3",
        "--seed", "7", "--json", report.toString(), "--overwrite");
    assertThat(cv.code()).as(cv.err()).isZero();
    assertThat(cv.out()).contains("calibration: isotonic, 3-fold cross-validation (seed 7)");
    assertThat(json(report).getAsJsonObject("calibration").get("applied").getAsString())
        .isEqualTo("3-fold cross-validation, seed 7");
    EvaluateCommandTest.Run badMethod = run("evaluate", "--calibrate", "cubic");
    assertThat(badMethod.err()).contains("unknown calibration method 'cubic'");
  }

  @Test
  void scoreWithACalibrationAddsCalibratedColumns(@TempDir Path dir) throws Exception {
    Path cal = dir.resolve("cal.json");
    assertThat(run("calibrate", "--method", "linear", "--data",
        bundled(dir, BundledSamples.VALID).toString(), "--out", cal.toString()).code())
        .isZero();
    Calibration c = CalibrationJson.read(cal);
    Path out = dir.resolve("results.json");
    EvaluateCommandTest.Run r = run("score", "--model",
        ScoreCommandTest.fixture("tiny-llama").toString(), "--data",
        ScoreCommandTest.promptsFile(dir, "tiny-llama").toString(), "--out", out.toString(),
        "--calibration", cal.toString(), "--quiet");
    assertThat(r.code()).as(r.err()).isZero();
    int calibrated = 0;
    for (JsonElement e : JsonParser.parseString(Files.readString(out)).getAsJsonArray()) {
      JsonObject s = e.getAsJsonObject();
      if (s.get("weighted_socre").getAsDouble() == -1) {
        assertThat(s.has("lager_wo_calibrated")).as("an invalid sample gets no score").isFalse();
        continue;
      }
      assertThat(s.get("lager_wo_calibrated").getAsDouble()).isCloseTo(
          c.apply(ScoreMethod.LAGER_WO, s.get("lager_wo").getAsDouble()), within(1e-12));
      assertThat(s.get("e_score_calibrated").getAsDouble()).isCloseTo(
          c.apply(ScoreMethod.E_SCORE, s.get("weighted_socre").getAsDouble()), within(1e-12));
      assertThat(s.has("direct_score_calibrated")).isTrue();
      calibrated++;
    }
    assertThat(calibrated).isEqualTo(23);
  }

  @Test
  void bootstrapComparisonAndPlotsOnTheBundledSample(@TempDir Path dir) throws Exception {
    Path report = dir.resolve("r.json");
    EvaluateCommandTest.Run r = run("evaluate", "--bootstrap", "300", "--seed", "3", "--compare",
        "lager_wo,e_score", "--json", report.toString(), "--plots", dir.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("bootstrap: 300 paired resamples of the 15 samples (seed 3),"
        + " 95% percentile intervals").contains("paired comparison on the same 300 resamples:"
        + " lager_wo - e_score");
    assertThat(r.err()).contains("bootstrap: 300/300 resamples");
    JsonObject j = json(report);
    JsonObject boot = j.getAsJsonObject("bootstrap");
    assertThat(boot.get("resamples").getAsInt()).isEqualTo(300);
    assertThat(boot.get("seed").getAsLong()).isEqualTo(3);
    for (String score : List.of("direct_score", "e_score", "lager_wo", "lager_w")) {
      JsonObject s = boot.getAsJsonObject("rows").getAsJsonObject(score).getAsJsonObject("spearman");
      assertThat(s.get("estimate").getAsDouble()).isEqualTo(j.getAsJsonObject("rows")
          .getAsJsonObject(score).get("spearman").getAsDouble());
      assertThat(s.get("low").getAsDouble()).isLessThanOrEqualTo(s.get("high").getAsDouble());
    }
    JsonArray cmp = j.getAsJsonArray("comparisons");
    assertThat(cmp).hasSize(1);
    JsonObject spearman = cmp.get(0).getAsJsonObject().getAsJsonObject("spearman");
    assertThat(spearman.get("estimate").getAsDouble()).isCloseTo(
        j.getAsJsonObject("rows").getAsJsonObject("lager_wo").get("spearman").getAsDouble()
            - j.getAsJsonObject("rows").getAsJsonObject("e_score").get("spearman").getAsDouble(),
        within(1e-12));
    // p = (1 + #{resamples where lager_wo's Spearman is not above e_score's}) / (B + 1), recounted
    // here from the same resamples (seed 3) of the evaluated samples (the bundled results
    // without the idx of the bundled validation file)
    Set<Long> validIdx = new HashSet<>();
    bundledResults(BundledSamples.VALID).forEach(s -> validIdx.add(s.idx()));
    List<ScoredSample> evaluated = bundledResults(BundledSamples.DATA).stream()
        .filter(s -> !validIdx.contains(s.idx())).toList();
    ScoreColumns columns = ScoreColumns.of(evaluated, List.of(ScoreMethod.LAGER_WO,
        ScoreMethod.E_SCORE), null, null, false);
    int notBetter = 0;
    int defined = 0;
    for (int[] rows : Bootstrap.resampleIndices(columns.n(), 300, 3)) {
      ScoreColumns b = columns.subset(rows);
      double d = Correlation.spearman(b.scores(ScoreMethod.LAGER_WO), b.human())
          - Correlation.spearman(b.scores(ScoreMethod.E_SCORE), b.human());
      if (!Double.isNaN(d)) {
        defined++;
        notBetter += d <= 0 ? 1 : 0;
      }
    }
    assertThat(spearman.get("p_one_sided").getAsDouble())
        .isCloseTo((1.0 + notBetter) / (defined + 1.0), within(1e-12));
    assertThat(j.has("human_ceiling")).as("single human scores: no ceiling").isFalse();
    assertThat(Files.size(dir.resolve(ReportCharts.INTERVALS))).isGreaterThan(1000);

    // The same seed gives the same intervals.
    Path again = dir.resolve("again.json");
    assertThat(run("evaluate", "--bootstrap", "300", "--seed", "3", "--compare",
        "lager_wo,e_score", "--json", again.toString()).code()).isZero();
    assertThat(json(again).get("bootstrap")).isEqualTo(boot);

    EvaluateCommandTest.Run noBootstrap = run("evaluate", "--compare", "lager_wo,e_score");
    assertThat(noBootstrap.err()).contains("--compare needs --bootstrap N");
  }

  @Test
  void answerabilityAndGroupsReadFieldsOfTheResults(@TempDir Path dir) throws Exception {
    // The bundled results with a label and a group per sample: the samples whose response
    // answers another instruction (human score 1 or 2) are "unanswerable" here.
    JsonArray samples = JsonParser.parseString(Files.readString(bundled(dir,
        BundledSamples.DATA))).getAsJsonArray();
    for (JsonElement e : samples) {
      JsonObject s = e.getAsJsonObject();
      s.addProperty("answerable", s.get("human_score").getAsInt() >= 3);
      s.addProperty("topic", s.get("idx").getAsInt() % 2 == 0 ? "even" : "odd");
    }
    Path labelled = dir.resolve("labelled.json");
    Files.writeString(labelled, samples.toString());
    Path report = dir.resolve("r.json");
    EvaluateCommandTest.Run r = run("evaluate", "--data", labelled.toString(), "--threshold-f1",
        "0.5", "--label-field", "answerable", "--group-by", "topic", "--json", report.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("answerability: a sample is predicted unanswerable when its"
        + " score <= min + 0.5000 x (max - min)").contains("groups by field 'topic': 2 groups")
        .contains("group \"even\" (n = 12)").contains("group \"odd\" (n = 11)");
    JsonObject a = json(report).getAsJsonObject("answerability");
    assertThat(a.get("unanswerable").getAsInt() + a.get("answerable").getAsInt()).isEqualTo(23);
    JsonObject lagerWo = a.getAsJsonObject("rows").getAsJsonObject("lager_wo");
    int tp = lagerWo.get("tp").getAsInt();
    int fp = lagerWo.get("fp").getAsInt();
    int fn = lagerWo.get("fn").getAsInt();
    assertThat(tp + fn).isEqualTo(a.get("unanswerable").getAsInt());
    assertThat(lagerWo.get("f1").getAsDouble()).isCloseTo(2.0 * tp / (2 * tp + fp + fn),
        within(1e-12));
    JsonArray groups = json(report).getAsJsonObject("groups").getAsJsonArray("groups");
    assertThat(groups).hasSize(2);

    // Without human scores, answerability alone.
    for (JsonElement e : samples) {
      e.getAsJsonObject().remove("human_score");
    }
    Files.writeString(labelled, samples.toString());
    EvaluateCommandTest.Run alone = run("evaluate", "--data", labelled.toString(),
        "--threshold-f1", "0.5", "--label-field", "answerable", "--json", report.toString(),
        "--overwrite");
    assertThat(alone.code()).as(alone.err()).isZero();
    assertThat(alone.out()).contains("only answerability is reported");
    assertThat(json(report).has("rows")).isFalse();
    assertThat(json(report).getAsJsonObject("answerability").getAsJsonObject("rows")
        .getAsJsonObject("lager_wo")).isEqualTo(lagerWo);

    EvaluateCommandTest.Run missing = run("evaluate", "--data", labelled.toString(),
        "--threshold-f1", "0.5", "--label-field", "answerabl");
    assertThat(missing.code()).isEqualTo(LagerCli.EXIT_ERROR);
    assertThat(missing.err()).contains(labelled + ": sample #0 (idx 0): field 'answerabl' is"
        + " missing");
    EvaluateCommandTest.Run half = run("evaluate", "--threshold-f1", "0.5");
    assertThat(half.err()).contains("answerability needs both --threshold-f1 FRAC and"
        + " --label-field FIELD");
  }

  @Test
  void aHistogramRefusesAHumanScoreOutsideTheScale(@TempDir Path dir) throws Exception {
    JsonArray samples = JsonParser.parseString(Files.readString(bundled(dir,
        BundledSamples.DATA))).getAsJsonArray();
    samples.get(3).getAsJsonObject().addProperty("human_score", 7);
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, samples.toString());
    // --human-range lets the evaluation take it; the histogram on the judge's scale still refuses
    EvaluateCommandTest.Run r = run("evaluate", "--data", bad.toString(), "--human-range", "1:7",
        "--plots", dir.resolve("plots").toString());
    assertThat(r.code()).isEqualTo(LagerCli.EXIT_ERROR);
    assertThat(r.err()).contains("cannot plot the score histogram: human (mean) of idx 3 is 7.0,"
        + " outside the range 1-5 of the labels 1-5");
  }

  @Test
  void flaskAcceptance(@TempDir Path dir) throws Exception {
    List<String> files = flaskFiles();
    // select --score lager_wo --top-frac 0.2
    List<String> args = new ArrayList<>(List.of("select", "--score", "lager_wo", "--top-frac",
        "0.2", "--json", dir.resolve("s.json").toString(), "--data"));
    args.addAll(files);
    EvaluateCommandTest.Run s = run(args.toArray(String[]::new));
    assertThat(s.code()).as(s.err()).isZero();
    assertThat(s.out()).contains("| all samples        |      539 |              3.8040 |");
    JsonObject sel = json(dir.resolve("s.json"));
    assertThat(sel.get("mean_human_all").getAsDouble()).isCloseTo(3.8040, within(0.5e-4));
    double lagerWo = sel.get("mean_human_selected").getAsDouble();
    for (String baseline : List.of("e_score", "direct_score")) {
      assertThat(lagerWo).as("lager_wo's selection vs %s's", baseline).isGreaterThan(sel
          .getAsJsonObject("baselines").getAsJsonObject(baseline).get("mean_human_selected")
          .getAsDouble());
    }

    // evaluate --bootstrap 2000 --seed 0: lager_wo's Spearman interval near [0.35, 0.50]
    args = new ArrayList<>(List.of("evaluate", "--bootstrap", "2000", "--seed", "0", "--json",
        dir.resolve("b.json").toString(), "--group-regex",
        "### Score Rubrics:\\s*\\[([^?\\]]*)", "--data"));
    args.addAll(files);
    EvaluateCommandTest.Run b = run(args.toArray(String[]::new));
    assertThat(b.code()).as(b.err()).isZero();
    JsonObject boot = json(dir.resolve("b.json"));
    JsonObject spearman = boot.getAsJsonObject("bootstrap").getAsJsonObject("rows")
        .getAsJsonObject("lager_wo").getAsJsonObject("spearman");
    assertThat(spearman.get("low").getAsDouble()).isBetween(0.33, 0.37);
    assertThat(spearman.get("high").getAsDouble()).isBetween(0.48, 0.52);
    assertThat(boot.getAsJsonObject("human_ceiling").get("annotators").getAsInt()).isEqualTo(3);
    JsonArray groups = boot.getAsJsonObject("groups").getAsJsonArray("groups");
    assertThat(groups).hasSize(12);
    assertThat(groups.asList().stream().mapToInt(g -> g.getAsJsonObject().get("n").getAsInt())
        .sum()).isEqualTo(539);
    assertThat(groups.get(0).getAsJsonObject().get("n").getAsInt()).isEqualTo(127);

    // evaluate --calibrate linear --cv 5: lager_wo's MAE 1.03 -> about 0.76
    args = new ArrayList<>(List.of("evaluate", "--calibrate", "linear", "--cv", "5", "--json",
        dir.resolve("c.json").toString(), "--data"));
    args.addAll(files);
    EvaluateCommandTest.Run c = run(args.toArray(String[]::new));
    assertThat(c.code()).as(c.err()).isZero();
    JsonObject row = json(dir.resolve("c.json")).getAsJsonObject("calibration")
        .getAsJsonObject("rows").getAsJsonObject("lager_wo");
    assertThat(row.getAsJsonObject("before").get("mae").getAsDouble()).isCloseTo(1.03,
        within(0.005));
    assertThat(row.getAsJsonObject("after").get("mae").getAsDouble()).isBetween(0.74, 0.78);
    assertThat(row.getAsJsonObject("after").get("spearman").getAsDouble()).isCloseTo(
        row.getAsJsonObject("before").get("spearman").getAsDouble(), within(0.015));
  }

  /** The samples of a results file bundled with the CLI. */
  static List<ScoredSample> bundledResults(String name) throws IOException {
    try (var in = StatisticsCommandsTest.class.getResourceAsStream(BundledSamples.SAMPLES + name)) {
      return io.github.lager.core.io.ResultsJson.read(new java.io.StringReader(
          new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)), name);
    }
  }
}
