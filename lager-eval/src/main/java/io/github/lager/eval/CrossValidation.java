package io.github.lager.eval;

import io.github.lager.core.InvalidInputException;
import io.github.lager.core.calibration.CalibrationMap;
import io.github.lager.core.calibration.CalibrationMethod;
import io.github.lager.core.math.ScoreMethod;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Calibration judged on data it was not fitted on: K-fold cross-validation. The samples are
 * shuffled and cut into K folds; each fold's scores are calibrated by a map fitted on the other
 * K-1 folds, and the errors and correlations are computed over the out-of-fold predictions of all
 * samples. Each fold has its own map, so rank correlations can move a little even though every
 * map is monotone.
 *
 * <p>Folds are made as {@code sklearn.model_selection.KFold(n_splits=K, shuffle=True)} makes them
 * (a permutation cut into K consecutive parts, the first {@code n % K} one sample larger), with
 * lager's own seeded permutation ({@link SplittableRandom}, Fisher-Yates).
 */
public final class CrossValidation {
  private CrossValidation() {}

  /** Each sample's fold in {@code [0, k)}. */
  public static int[] folds(int n, int k, long seed) {
    checkFolds(n, k);
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    int[] foldOf = new int[n];
    int start = 0;
    for (int f = 0; f < k; f++) {
      int size = n / k + (f < n % k ? 1 : 0);
      for (int i = start; i < start + size; i++) {
        foldOf[perm[i]] = f;
      }
      start += size;
    }
    return foldOf;
  }

  /**
   * The out-of-fold calibrated values: sample {@code i}'s value comes from the map fitted on
   * the samples of every other fold.
   */
  public static double[] outOfFold(CalibrationMethod method, double[] scores, double[] human,
      int[] foldOf) {
    if (foldOf.length != scores.length || human.length != scores.length) {
      throw new IllegalArgumentException("cross-validation needs one fold per sample, got "
          + foldOf.length + " folds for " + scores.length + " scores and " + human.length
          + " human scores");
    }
    int k = 0;
    for (int f : foldOf) {
      if (f < 0) {
        throw new IllegalArgumentException("fold " + f + " < 0");
      }
      k = Math.max(k, f + 1);
    }
    double[] out = new double[scores.length];
    for (int f = 0; f < k; f++) {
      int train = 0;
      for (int g : foldOf) {
        train += g != f ? 1 : 0;
      }
      double[] x = new double[train];
      double[] y = new double[train];
      int t = 0;
      for (int i = 0; i < foldOf.length; i++) {
        if (foldOf[i] != f) {
          x[t] = scores[i];
          y[t++] = human[i];
        }
      }
      CalibrationMap map;
      try {
        map = CalibrationMap.fit(method, x, y);
      } catch (InvalidInputException e) {
        throw new InvalidInputException("fold " + (f + 1) + " of " + k + ": " + e.getMessage(),
            e);
      }
      for (int i = 0; i < foldOf.length; i++) {
        if (foldOf[i] == f) {
          out[i] = map.apply(scores[i]);
        }
      }
    }
    return out;
  }

  /** Every score of {@code columns} before and after out-of-fold calibration. */
  public static CalibrationReport evaluate(ScoreColumns columns, CalibrationMethod method,
      int[] foldOf, String description) {
    double[] human = columns.human();
    Map<ScoreMethod, CalibrationReport.Row> rows = new LinkedHashMap<>();
    for (ScoreMethod m : columns.methods()) {
      double[] raw = columns.scores(m);
      try {
        rows.put(m, CalibrationReport.Row.of(raw, outOfFold(method, raw, human, foldOf), human));
      } catch (InvalidInputException e) {
        throw new InvalidInputException(m.key() + ": " + e.getMessage(), e);
      }
    }
    return new CalibrationReport(method, description, rows, List.of());
  }

  static void checkFolds(int n, int k) {
    if (k < 2 || k > n) {
      throw new IllegalArgumentException("cross-validation needs 2 <= K <= samples, got K = " + k
          + " for " + n + " samples");
    }
  }
}
