package io.github.lager.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.lager.core.InvalidInputException;
import io.github.lager.core.calibration.Calibration;
import io.github.lager.core.calibration.CalibrationJson;
import io.github.lager.core.calibration.CalibrationMap;
import io.github.lager.core.calibration.CalibrationMethod;
import io.github.lager.core.io.HumanScore;
import io.github.lager.core.io.ScoredSample;
import io.github.lager.core.math.LabelSet;
import io.github.lager.core.math.LayerLogits;
import io.github.lager.core.math.ScoreMethod;
import io.github.lager.core.metrics.Correlation;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Calibration maps: monotone, rank-preserving when strictly increasing, and their file. */
class CalibrationTest {
  /** Exact up to the rounding of the map's arithmetic. */
  static final double RANK_TOLERANCE = 1e-12;

  /** Squeezed scores (sd 0.26 around 3.2, like lager_wo on FLASK) and noisy human scores. */
  static double[][] squeezed(long seed, int n) {
    Random r = new Random(seed);
    double[] x = new double[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double h = 1 + r.nextInt(5);
      y[i] = h;
      x[i] = 3.2 + 0.12 * (h - 3) + 0.2 * r.nextGaussian();
    }
    return new double[][] {x, y};
  }

  @Test
  void aStrictlyIncreasingMapKeepsRankCorrelationsExactly() {
    for (long seed = 0; seed < 20; seed++) {
      double[][] d = squeezed(seed, 80);
      CalibrationMap map = CalibrationMap.fit(CalibrationMethod.LINEAR, d[0], d[1]);
      assertThat(((CalibrationMap.Linear) map).slope()).as("seed %d", seed).isPositive();
      double[] cal = map.apply(d[0]);
      assertThat(Correlation.spearman(cal, d[1])).as("spearman, seed %d", seed)
          .isCloseTo(Correlation.spearman(d[0], d[1]), within(RANK_TOLERANCE));
      assertThat(Correlation.kendallTauB(cal, d[1])).as("kendall, seed %d", seed)
          .isCloseTo(Correlation.kendallTauB(d[0], d[1]), within(RANK_TOLERANCE));
      // The calibrated scores sit on the human scale: mean equal, spread widened.
      assertThat(mean(cal)).isCloseTo(mean(d[1]), within(1e-9));
    }
  }

  @Test
  void anIsotonicMapNeverReordersItOnlyTies() {
    for (long seed = 0; seed < 20; seed++) {
      double[][] d = squeezed(seed, 80);
      CalibrationMap map = CalibrationMap.fit(CalibrationMethod.ISOTONIC, d[0], d[1]);
      double[] cal = map.apply(d[0]);
      for (int i = 0; i < cal.length; i++) {
        for (int j = 0; j < cal.length; j++) {
          if (d[0][i] < d[0][j]) {
            assertThat(cal[i]).as("seed %d: f(%s) vs f(%s)", seed, d[0][i], d[0][j])
                .isLessThanOrEqualTo(cal[j]);
          }
        }
      }
    }
  }

  @Test
  void aScoreThatRanksAgainstThePeopleGetsAFlatMapNotAReversedOne() {
    double[] x = {1, 2, 3, 4, 5};
    double[] y = {5, 4, 4, 2, 1};
    CalibrationMap.Linear map = (CalibrationMap.Linear) CalibrationMap.fit(
        CalibrationMethod.LINEAR, x, y);
    assertThat(map.slope()).isZero();
    assertThat(map.intercept()).isCloseTo(3.2, within(1e-12));
    CalibrationMap.Isotonic iso = (CalibrationMap.Isotonic) CalibrationMap.fit(
        CalibrationMethod.ISOTONIC, x, y);
    assertThat(iso.y()).containsOnly(3.2);
  }

  @Test
  void isotonicInterpolatesBetweenKnotsAndClipsOutside() {
    CalibrationMap.Isotonic map = new CalibrationMap.Isotonic(new double[] {2, 3, 4},
        new double[] {1, 2, 4});
    assertThat(map.apply(new double[] {0, 2, 2.5, 3, 3.25, 4, 9}))
        .containsExactly(1, 1, 1.5, 2, 2.5, 4, 4);
  }

  @Test
  void badMapsAndConstantScoresAreRefused() {
    assertThatThrownBy(() -> CalibrationMap.fit(CalibrationMethod.LINEAR, new double[] {3, 3, 3},
        new double[] {1, 2, 3})).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("every score is 3.0");
    assertThatThrownBy(() -> new CalibrationMap.Linear(1, -0.5)).hasMessageContaining("slope >= 0");
    assertThatThrownBy(() -> new CalibrationMap.Isotonic(new double[] {1, 1}, new double[] {1, 2}))
        .hasMessageContaining("knots must increase: knot 1 is 1.0 after 1.0");
    assertThatThrownBy(() -> new CalibrationMap.Isotonic(new double[] {1, 2}, new double[] {2, 1}))
        .hasMessageContaining("values must not decrease");
  }

  @Test
  void fitsOneMapPerScoreWritesReadsAndAddsCalibratedColumns() throws Exception {
    double[][] d = squeezed(7, 40);
    List<ScoredSample> samples = new ArrayList<>();
    for (int i = 0; i < d[0].length; i++) {
      samples.add(sample(i, d[0][i], d[1][i]));
    }
    ScoreColumns columns = ScoreColumns.of(samples, List.of(ScoreMethod.E_SCORE,
        ScoreMethod.LAGER_WO), null, null);
    for (CalibrationMethod method : CalibrationMethod.values()) {
      Calibration c = CalibrationFit.fit(columns, method, "valid.json", "abc", null);
      assertThat(c.maps()).containsOnlyKeys(ScoreMethod.E_SCORE, ScoreMethod.LAGER_WO);
      assertThat(c.provenance().trainingSamples()).isEqualTo(40);
      StringWriter w = new StringWriter();
      CalibrationJson.write(w, c);
      Calibration back = CalibrationJson.read(new StringReader(w.toString()), "cal.json");
      assertThat(back).isEqualTo(c);
      Map<String, Double> extra = back.calibratedColumns(samples.get(3), null);
      assertThat(extra).containsOnlyKeys("e_score_calibrated", "lager_wo_calibrated");
      assertThat(extra.get("e_score_calibrated"))
          .isEqualTo(c.maps().get(ScoreMethod.E_SCORE).apply(d[0][3]));
      CalibrationReport r = CalibrationFit.evaluate(back, columns, "cal.json");
      assertThat(r.rows().get(ScoreMethod.E_SCORE).after().mae())
          .isLessThan(r.rows().get(ScoreMethod.E_SCORE).before().mae());
    }
  }

  @Test
  void aCalibrationFileWithProblemsIsRefusedNamingTheField() {
    String good = "{\"format\": \"lager-calibration\", \"version\": 1, \"method\": \"linear\","
        + " \"points\": 5, \"scores\": {\"lager_wo\": {\"intercept\": -7, \"slope\": 3.4}},"
        + " \"provenance\": {\"training_data\": \"v.json\", \"training_data_sha256\": \"ab\","
        + " \"training_samples\": 10, \"lager_version\": \"dev\"}}";
    assertThat(CalibrationJson.read(new StringReader(good), "cal.json").apply(ScoreMethod.LAGER_WO,
        3)).isCloseTo(3.2, within(1e-12));
    assertThatThrownBy(() -> CalibrationJson.read(new StringReader(good.replace("3.4", "-1")),
        "cal.json")).hasMessageStartingWith("cal.json: field 'scores.lager_wo'")
        .hasMessageContaining("slope >= 0");
    assertThatThrownBy(() -> CalibrationJson.read(new StringReader(good.replace("lager_wo",
        "lager_vo")), "cal.json")).hasMessageContaining("'scores.lager_vo' names no score");
    assertThatThrownBy(() -> CalibrationJson.read(new StringReader(good.replace("linear",
        "cubic")), "cal.json")).hasMessageContaining("field 'method'")
        .hasMessageContaining("expected linear or isotonic");
    assertThatThrownBy(() -> CalibrationJson.read(new StringReader(good.replace(
        "lager-calibration", "lager-layer-weights")), "cal.json"))
        .hasMessageContaining("is this a lager calibration file?");
  }

  @Test
  void aCalibrationForAnotherScaleIsRefused() {
    List<ScoredSample> samples = List.of(sample(0, 2, 1), sample(1, 3, 4), sample(2, 4, 5));
    ScoreColumns columns = ScoreColumns.of(samples, List.of(ScoreMethod.E_SCORE), null, null);
    Calibration c = new Calibration(CalibrationMethod.LINEAR, LabelSet.of(9),
        Map.of(ScoreMethod.E_SCORE, new CalibrationMap.Linear(0, 1)), new Calibration.Provenance("v", "x", 3, Optional.empty(),
        "dev"));
    assertThatThrownBy(() -> CalibrationFit.evaluate(c, columns, "cal.json"))
        .hasMessageContaining("cal.json was fitted on the labels 1-9 but the samples are on 1-5");
  }

  @Test
  void crossValidationFoldsAreSizedLikeKFoldAndRepeat() {
    int[] folds = CrossValidation.folds(23, 5, 3);
    int[] sizes = new int[5];
    for (int f : folds) {
      sizes[f]++;
    }
    assertThat(sizes).containsExactly(5, 5, 5, 4, 4);
    assertThat(CrossValidation.folds(23, 5, 3)).containsExactly(folds);
    assertThat(CrossValidation.folds(23, 5, 4)).isNotEqualTo(folds);
    assertThatThrownBy(() -> CrossValidation.folds(3, 5, 0)).hasMessageContaining("2 <= K");
  }

  static ScoredSample sample(long idx, double eScore, double human) {
    return new ScoredSample(idx, Optional.empty(), Optional.of(HumanScore.of(human)), 3, eScore, 3,
        Optional.of(LayerLogits.of(new float[][] {{0, 0, (float) eScore, 0, 0},
            {(float) idx / 7, 0, 1, 0, 0}})), Optional.empty(), Optional.empty());
  }

  static double mean(double[] v) {
    double s = 0;
    for (double d : v) {
      s += d;
    }
    return s / v.length;
  }
}
