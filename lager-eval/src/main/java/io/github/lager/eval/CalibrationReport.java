package io.github.lager.eval;

import io.github.lager.core.calibration.CalibrationMethod;
import io.github.lager.core.math.ScoreMethod;
import io.github.lager.core.metrics.Errors;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores before and after calibration: mean absolute and root mean squared error against the
 * human scores (on the score scale) and the correlations.
 *
 * @param method how the maps were fitted
 * @param description how they were applied: a calibration file, or K-fold cross-validation
 * @param rows per calibrated score, in the evaluation's order
 * @param uncalibrated evaluated scores that had no map
 */
public record CalibrationReport(CalibrationMethod method, String description,
    Map<ScoreMethod, Row> rows, List<ScoreMethod> uncalibrated) {
  public CalibrationReport {
    rows = Collections.unmodifiableMap(new LinkedHashMap<>(rows));
    uncalibrated = List.copyOf(uncalibrated);
  }

  /** One score before and after. */
  public record Row(Agreement before, Agreement after) {
    static Row of(double[] raw, double[] calibrated, double[] human) {
      return new Row(Agreement.of(raw, human), Agreement.of(calibrated, human));
    }
  }

  /**
   * @param mae {@code sklearn.metrics.mean_absolute_error}
   * @param rmse {@code sklearn.metrics.root_mean_squared_error}
   * @param correlations Pearson, Spearman and Kendall tau-b (scipy's)
   */
  public record Agreement(double mae, double rmse, CorrelationRow correlations) {
    static Agreement of(double[] pred, double[] human) {
      return new Agreement(Errors.meanAbsolute(pred, human), Errors.rootMeanSquared(pred, human),
          Evaluation.correlate(pred, human));
    }
  }
}
