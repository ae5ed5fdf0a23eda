package io.github.lager.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.lager.core.TestData;
import io.github.lager.core.calibration.CalibrationMap;
import io.github.lager.core.calibration.CalibrationMethod;
import io.github.lager.core.io.HumanScore;
import io.github.lager.core.io.ScoredSample;
import io.github.lager.core.math.LayerLogits;
import io.github.lager.core.math.ScoreMethod;
import io.github.lager.core.metrics.Errors;
import io.github.lager.core.metrics.PrecisionRecall;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Against numpy/scipy (and scikit-learn's definitions written out in numpy): the expected numbers
 * come from tools/golden/make_statistics_golden.py, checked in as golden/statistics.json. The
 * resample indices and the folds are the generator's, so both sides compute on the same draws.
 */
class StatisticsGoldenTest {
  static final double TOLERANCE = 1e-9;
  /** The golden's score columns stand in for these three scores. */
  static final Map<String, ScoreMethod> SCORES = Map.of("a", ScoreMethod.LAGER_WO,
      "b", ScoreMethod.E_SCORE, "direct", ScoreMethod.DIRECT_SCORE);

  static JsonObject golden;

  @BeforeAll
  static void load() throws Exception {
    Path file = Path.of(StatisticsGoldenTest.class.getResource("/golden/statistics.json").toURI());
    golden = TestData.readJson(file).getAsJsonObject();
  }

  static List<JsonObject> cases(String name) {
    List<JsonObject> out = new ArrayList<>();
    for (JsonElement e : golden.getAsJsonArray(name)) {
      out.add(e.getAsJsonObject());
    }
    assertThat(out).as("golden cases of %s", name).isNotEmpty();
    return out;
  }

  static double[] doubles(JsonObject o, String field) {
    return TestData.doubles(o.getAsJsonArray(field));
  }

  static void close(double actual, JsonObject expected, String field, String what) {
    JsonElement e = expected.get(field);
    if (e.isJsonNull()) {
      assertThat(actual).as("%s %s (NaN in the golden)", what, field).isNaN();
    } else {
      assertThat(actual).as("%s %s (tolerance %s)", what, field, TOLERANCE)
          .isCloseTo(e.getAsDouble(), within(TOLERANCE));
    }
  }

  static void checkInterval(Interval actual, JsonObject expected, String what) {
    close(actual.estimate(), expected, "estimate", what);
    close(actual.low(), expected, "low", what);
    close(actual.high(), expected, "high", what);
    assertThat(actual.undefined()).as("%s undefined resamples", what)
        .isEqualTo(expected.get("undefined").getAsInt());
  }

  /** The golden's columns as lager_wo ("a"), e_score ("b") and direct_score ("direct"). */
  static ScoreColumns columns(JsonObject c) {
    double[] human = doubles(c, "human");
    JsonArray annotators = c.getAsJsonArray("annotators");
    JsonObject scores = c.getAsJsonObject("scores");
    List<ScoredSample> samples = new ArrayList<>();
    for (int i = 0; i < human.length; i++) {
      double[] a = TestData.doubles(annotators.get(i).getAsJsonArray());
      samples.add(new ScoredSample(i, Optional.empty(), Optional.of(HumanScore.ofAnnotators(a)),
          scores.getAsJsonArray("direct").get(i).getAsDouble(),
          scores.getAsJsonArray("b").get(i).getAsDouble(), 1,
          Optional.of(LayerLogits.of(new float[][] {{0, 0, 0, 0, 0}, {0, 0, 0, 0, 0}})),
          Optional.empty(), Optional.empty()));
    }
    Map<ScoreMethod, double[]> columns = new LinkedHashMap<>();
    SCORES.forEach((key, m) -> columns.put(m, doubles(scores, key)));
    return ScoreColumns.withScores(samples, columns);
  }

  @Test
  void bootstrapIntervalsComparisonAndCeilingEqualNumpy() {
    for (JsonObject c : cases("bootstrap")) {
      String name = c.get("name").getAsString();
      ScoreColumns columns = columns(c);
      assertThat(columns.human()).containsExactly(doubles(c, "human"), within(TOLERANCE));
      JsonArray rows = c.getAsJsonArray("indices");
      int[][] indices = new int[rows.size()][];
      for (int b = 0; b < indices.length; b++) {
        JsonArray r = rows.get(b).getAsJsonArray();
        indices[b] = new int[r.size()];
        for (int i = 0; i < r.size(); i++) {
          indices[b][i] = r.get(i).getAsInt();
        }
      }
      BootstrapReport report = Bootstrap.run(columns, indices, c.get("level").getAsDouble(),
          List.of(new Bootstrap.Pair(ScoreMethod.LAGER_WO, ScoreMethod.E_SCORE)),
          Bootstrap.Progress.NONE);
      assertThat(report.resamples()).isEqualTo(indices.length);
      JsonObject expected = c.getAsJsonObject("expected");
      for (Map.Entry<String, ScoreMethod> s : SCORES.entrySet()) {
        for (CorrelationKind k : CorrelationKind.values()) {
          checkInterval(report.rows().get(s.getValue()).get(k),
              expected.getAsJsonObject(s.getKey()).getAsJsonObject(k.key()),
              name + ", " + s.getKey() + " " + k.key());
        }
      }
      Comparison cmp = report.comparisons().get(0);
      JsonObject cmpExpected = c.getAsJsonObject("compare").getAsJsonObject("expected");
      for (CorrelationKind k : CorrelationKind.values()) {
        JsonObject e = cmpExpected.getAsJsonObject(k.key());
        checkInterval(cmp.difference().get(k), e, name + ", a - b " + k.key());
        if (!e.get("p_one_sided").isJsonNull()) { // null: a difference within rounding of 0
          close(cmp.pOneSided().get(k), e, "p_one_sided", name + ", a - b " + k.key());
        }
      }
      HumanCeiling ceiling = HumanCeiling.of(columns.annotators().orElseThrow());
      JsonObject ceilingExpected = c.getAsJsonObject("ceiling");
      for (CorrelationKind k : CorrelationKind.values()) {
        JsonObject e = ceilingExpected.getAsJsonObject(k.key());
        double[] per = doubles(e, "per_annotator");
        for (int j = 0; j < per.length; j++) {
          assertThat(k.of(ceiling.perAnnotator().get(j))).as("%s ceiling annotator %d %s", name,
              j, k.key()).isCloseTo(per[j], within(TOLERANCE));
        }
        close(k.of(ceiling.mean()), e, "estimate", name + " ceiling " + k.key());
        checkInterval(report.humanCeiling().orElseThrow().get(k), e, name + " ceiling " + k.key());
      }
    }
  }

  @Test
  void answerabilityEqualsSklearnPrecisionRecallF1() {
    for (JsonObject c : cases("answerability")) {
      String name = c.get("name").getAsString();
      double[] scores = doubles(c, "scores");
      JsonArray answerable = c.getAsJsonArray("answerable");
      List<ScoredSample> samples = new ArrayList<>();
      Map<Long, String> labels = new LinkedHashMap<>();
      for (int i = 0; i < scores.length; i++) {
        samples.add(sample(i, 3));
        labels.put((long) i, answerable.get(i).getAsString());
      }
      ScoreColumns columns = ScoreColumns.withScores(samples,
          Map.of(ScoreMethod.LAGER_WO, scores));
      Answerability.Report report = Answerability.evaluate(columns, labels, "answerable",
          c.get("frac").getAsDouble());
      Answerability.Result r = report.results().get(ScoreMethod.LAGER_WO);
      assertThat(r.threshold()).as(name).isCloseTo(c.get("threshold").getAsDouble(),
          within(TOLERANCE));
      PrecisionRecall pr = r.unanswerable();
      assertThat(new int[] {pr.truePositives(), pr.falsePositives(), pr.falseNegatives(),
          pr.trueNegatives()}).as(name).containsExactly(c.get("tp").getAsInt(),
          c.get("fp").getAsInt(), c.get("fn").getAsInt(), c.get("tn").getAsInt());
      close(pr.precision(), c, "precision", name);
      close(pr.recall(), c, "recall", name);
      close(pr.f1(), c, "f1", name);
      assertThat(report.unanswerable()).isEqualTo(pr.truePositives() + pr.falseNegatives());
    }
  }

  @Test
  void calibrationMapsEqualSklearnLinearAndIsotonic() {
    for (JsonObject c : cases("calibration")) {
      String name = c.get("name").getAsString();
      double[] x = doubles(c, "x");
      double[] y = doubles(c, "y");
      double[] probe = doubles(c, "probe");
      JsonObject lin = c.getAsJsonObject("linear");
      CalibrationMap.Linear linear =
          (CalibrationMap.Linear) CalibrationMap.fit(CalibrationMethod.LINEAR, x, y);
      close(linear.intercept(), lin, "intercept", name);
      close(linear.slope(), lin, "slope", name);
      assertThat(linear.apply(probe)).as(name + " linear probe")
          .containsExactly(doubles(lin, "probe"), within(TOLERANCE));
      JsonObject iso = c.getAsJsonObject("isotonic");
      CalibrationMap.Isotonic isotonic =
          (CalibrationMap.Isotonic) CalibrationMap.fit(CalibrationMethod.ISOTONIC, x, y);
      assertThat(isotonic.x()).as(name + " isotonic knots").containsExactly(doubles(iso, "knots_x"),
          within(TOLERANCE));
      assertThat(isotonic.y()).as(name + " isotonic values").containsExactly(doubles(iso, "knots_y"),
          within(TOLERANCE));
      assertThat(isotonic.apply(probe)).as(name + " isotonic probe")
          .containsExactly(doubles(iso, "probe"), within(TOLERANCE));
    }
  }

  @Test
  void crossValidatedCalibrationEqualsNumpyOnTheGoldensFolds() {
    for (JsonObject c : cases("cross_validation")) {
      String name = c.get("name").getAsString();
      double[] x = doubles(c, "x");
      double[] y = doubles(c, "y");
      int[] foldOf = c.getAsJsonArray("fold_of").asList().stream()
          .mapToInt(JsonElement::getAsInt).toArray();
      JsonObject before = c.getAsJsonObject("before");
      close(Errors.meanAbsolute(x, y), before, "mae", name);
      close(Errors.rootMeanSquared(x, y), before, "rmse", name);
      List<ScoredSample> samples = new ArrayList<>();
      for (int i = 0; i < x.length; i++) {
        samples.add(sample(i, y[i]));
      }
      ScoreColumns columns = ScoreColumns.withScores(samples,
          Map.of(ScoreMethod.LAGER_WO, x));
      for (CalibrationMethod m : CalibrationMethod.values()) {
        JsonObject e = c.getAsJsonObject(m.key());
        assertThat(CrossValidation.outOfFold(m, x, y, foldOf)).as(name + " " + m.key())
            .containsExactly(doubles(e, "predictions"), within(TOLERANCE));
        CalibrationReport report = CrossValidation.evaluate(columns, m, foldOf, "golden folds");
        CalibrationReport.Row row = report.rows().get(ScoreMethod.LAGER_WO);
        close(row.before().mae(), before, "mae", name + " before");
        close(row.before().correlations().spearman(), before, "spearman", name + " before");
        close(row.after().mae(), e, "mae", name + " " + m.key());
        close(row.after().rmse(), e, "rmse", name + " " + m.key());
        close(row.after().correlations().pearson(), e, "pearson", name + " " + m.key());
        close(row.after().correlations().spearman(), e, "spearman", name + " " + m.key());
      }
    }
  }

  @Test
  void selectionByMeanZScoreEqualsNumpy() {
    for (JsonObject c : cases("selection")) {
      String name = c.get("name").getAsString();
      long[] idx = c.getAsJsonArray("idx").asList().stream().mapToLong(JsonElement::getAsLong)
          .toArray();
      double[] human = doubles(c, "human");
      JsonArray aspects = c.getAsJsonArray("aspects");
      List<ScoreColumns> columns = new ArrayList<>();
      List<SampleSets.Source> sources = new ArrayList<>();
      for (int a = 0; a < aspects.size(); a++) {
        double[] s = TestData.doubles(aspects.get(a).getAsJsonArray());
        List<ScoredSample> samples = new ArrayList<>();
        for (int i = 0; i < idx.length; i++) {
          samples.add(new ScoredSample(idx[i], Optional.empty(), Optional.of(HumanScore.of(human[i])),
              1, s[i], 1, Optional.of(LayerLogits.of(new float[][] {{0, 0, 0}, {0, 0, 0}})),
              Optional.empty(), Optional.empty()));
        }
        sources.add(new SampleSets.Source("aspect " + a, samples));
        columns.add(ScoreColumns.of(samples, List.of(ScoreMethod.E_SCORE), null, null));
      }
      assertThat(Selection.combine(columns, ScoreMethod.E_SCORE, sources)).as(name)
          .containsExactly(doubles(c, "combined"), within(TOLERANCE));
      Selection.Report report = Selection.select(sources, ScoreMethod.E_SCORE,
          List.of(ScoreMethod.E_SCORE), null, null,
          Selection.Rule.topFraction(c.get("frac").getAsDouble()));
      List<Long> expected = c.getAsJsonArray("selected_idx").asList().stream()
          .map(JsonElement::getAsLong).toList();
      assertThat(report.selected().selectedIdx()).as(name).hasSize(c.get("count").getAsInt())
          .containsExactlyElementsOf(expected);
      close(report.selected().meanHumanSelected().orElseThrow(), c, "mean_human_selected", name);
      close(report.meanHumanAll().orElseThrow(), c, "mean_human_all", name);
    }
  }

  /** A valid sample with a single human score and a flat 5-point distribution. */
  static ScoredSample sample(long idx, double human) {
    return new ScoredSample(idx, Optional.empty(), Optional.of(HumanScore.of(human)), 3, 3, 3,
        Optional.of(LayerLogits.of(new float[][] {{0, 0, 0, 0, 0}, {0, 0, 0, 0, 0}})),
        Optional.empty(), Optional.empty());
  }
}
