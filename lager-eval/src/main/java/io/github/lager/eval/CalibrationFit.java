package io.github.lager.eval;

import io.github.lager.core.InvalidInputException;
import io.github.lager.core.LagerVersion;
import io.github.lager.core.calibration.Calibration;
import io.github.lager.core.calibration.CalibrationMap;
import io.github.lager.core.calibration.CalibrationMethod;
import io.github.lager.core.io.LayerWeightsJson;
import io.github.lager.core.math.LayerWeights;
import io.github.lager.core.math.ScoreMethod;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Calibration maps fitted on the human scores of {@link ScoreColumns}, and a {@link Calibration}
 * judged on labelled samples: errors and correlations before and after.
 */
public final class CalibrationFit {
  /**
   * What {@code lager calibrate} fits: the maps, the scores they were fitted on, and their
   * in-sample errors before and after.
   */
  public record Fitted(Calibration calibration, ScoreColumns columns, CalibrationReport inSample) {}

  private CalibrationFit() {}

  /**
   * Fits {@code method} maps for the main scores of the labelled results {@code data} (lager_w
   * too with {@code weights}, a weights file or null), with their in-sample report. The human
   * scores are checked first ({@link HumanScoredData}: against {@code humanRange}, or the label
   * set's range when it is null).
   */
  public static Fitted fit(ResultsInput data, CalibrationMethod method, Path weights,
      boolean reuseWeights, HumanRange humanRange) {
    HumanScoredData.check(List.of(new SampleSets.Source(data.name(), data.samples())),
        humanRange);
    LayerWeights w = weights == null ? null : LayerWeightsJson.read(weights);
    List<ScoreMethod> methods = new ArrayList<>(ScoreMethod.MAIN);
    if (w == null) {
      methods.removeIf(ScoreMethod::isTuned);
    }
    String weightsName = weights == null ? null : weights.toString();
    ScoreColumns columns = ScoreColumns.of(data.samples(), methods, w, weightsName, reuseWeights);
    Calibration calibration = fit(columns, method, data.name(), data.sha256(), weightsName);
    return new Fitted(calibration, columns, evaluate(calibration, columns, "in-sample"));
  }

  /**
   * Fits one map per score of {@code columns} on its human scores.
   *
   * @param trainingData the data's file name, for provenance and messages
   * @param weightsSource the layer-weights file when {@code lager_w} is among the scores
   */
  public static Calibration fit(ScoreColumns columns, CalibrationMethod method,
      String trainingData, String trainingDataSha256, String weightsSource) {
    double[] human = columns.human();
    Map<ScoreMethod, CalibrationMap> maps = new LinkedHashMap<>();
    for (ScoreMethod m : columns.methods()) {
      try {
        maps.put(m, CalibrationMap.fit(method, columns.scores(m), human));
      } catch (InvalidInputException e) {
        throw new InvalidInputException(trainingData + ": " + m.key() + ": " + e.getMessage(), e);
      }
    }
    boolean tuned = maps.keySet().stream().anyMatch(ScoreMethod::isTuned);
    return new Calibration(method, columns.labelSet(), maps,
        new Calibration.Provenance(trainingData, trainingDataSha256, columns.n(), tuned ? Optional.ofNullable(weightsSource)
            : Optional.empty(), LagerVersion.current()));
  }

  /**
   * Errors and correlations of each calibrated score of {@code columns} before and after
   * {@code calibration}; scores without a map are left out (see
   * {@link CalibrationReport#uncalibrated}).
   */
  public static CalibrationReport evaluate(Calibration calibration, ScoreColumns columns,
      String description) {
    calibration.checkLabels(columns.labelSet(), description);
    double[] human = columns.human();
    Map<ScoreMethod, CalibrationReport.Row> rows = new LinkedHashMap<>();
    for (ScoreMethod m : columns.methods()) {
      CalibrationMap map = calibration.maps().get(m);
      if (map != null) {
        double[] raw = columns.scores(m);
        rows.put(m, CalibrationReport.Row.of(raw, map.apply(raw), human));
      }
    }
    return new CalibrationReport(calibration.method(), description, rows,
        columns.methods().stream().filter(m -> !calibration.maps().containsKey(m)).toList());
  }
}
