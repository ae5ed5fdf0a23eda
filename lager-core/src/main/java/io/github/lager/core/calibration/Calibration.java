package io.github.lager.core.calibration;

import io.github.lager.core.InvalidInputException;
import io.github.lager.core.io.ScoredSample;
import io.github.lager.core.math.LabelSet;
import io.github.lager.core.math.LayerWeights;
import io.github.lager.core.math.ScoreMethod;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Calibration maps fitted on labelled data, one per score, with where they came from (saved by
 * {@code lager calibrate}, read by {@code evaluate --calibration} and {@code score
 * --calibration}; see {@link CalibrationJson}).
 *
 * @param method how the maps were fitted
 * @param labelSet the label set of the data they were fitted on
 * @param maps one map per score, in the order fitted
 * @param provenance the training data and the lager version
 */
public record Calibration(CalibrationMethod method, LabelSet labelSet,
    Map<ScoreMethod, CalibrationMap> maps, Provenance provenance) {
  /** The suffix of a calibrated score's name: {@code lager_wo_calibrated}. */
  public static final String SUFFIX = "_calibrated";

  /**
   * @param trainingData the file the maps were fitted on, as given
   * @param trainingDataSha256 SHA-256 of its bytes (hex)
   * @param trainingSamples valid samples fitted on
   * @param weights the layer-weights file used for {@code lager_w}, when calibrated
   * @param lagerVersion the library version that fitted the maps
   */
  public record Provenance(String trainingData, String trainingDataSha256, int trainingSamples,
      Optional<String> weights, String lagerVersion) {
    public Provenance {
      Objects.requireNonNull(trainingData, "trainingData");
      Objects.requireNonNull(trainingDataSha256, "trainingDataSha256");
      Objects.requireNonNull(weights, "weights");
      Objects.requireNonNull(lagerVersion, "lagerVersion");
    }
  }

  public Calibration {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(provenance, "provenance");
    Objects.requireNonNull(labelSet, "labelSet");
    if (maps.isEmpty()) {
      throw new IllegalArgumentException("a calibration needs at least one score");
    }
    for (CalibrationMap m : maps.values()) {
      boolean matches = method == CalibrationMethod.LINEAR ? m instanceof CalibrationMap.Linear
          : m instanceof CalibrationMap.Isotonic;
      if (!matches) {
        throw new IllegalArgumentException("a " + method.key() + " calibration holds a "
            + m.getClass().getSimpleName() + " map");
      }
    }
    maps = Collections.unmodifiableMap(new LinkedHashMap<>(maps));
  }

  /** The calibrated value of a {@code method} score; fails when this file has no map for it. */
  public double apply(ScoreMethod method, double score) {
    CalibrationMap m = maps.get(method);
    if (m == null) {
      throw new IllegalArgumentException("no calibration for " + method.key() + "; this one has "
          + maps.keySet().stream().map(ScoreMethod::key).toList());
    }
    return m.apply(score);
  }

  /**
   * The calibrated scores of one sample, as extra result fields: {@code <score>_calibrated} for
   * every calibrated score that can be computed (tuned scores need {@code weights}); empty for
   * an invalid sample.
   */
  public Map<String, Double> calibratedColumns(ScoredSample sample, LayerWeights weights) {
    Map<String, Double> out = new LinkedHashMap<>();
    if (!sample.isValid()) {
      return out;
    }
    maps.forEach((m, map) -> {
      if (!m.isTuned() || weights != null) {
        out.put(m.key() + SUFFIX, map.apply(sample.score(m, weights)));
      }
    });
    return out;
  }

  /** Fails unless these maps were fitted on the label set {@code labels}. */
  public void checkLabels(LabelSet labels, String source) {
    if (!labelSet.sameLabels(labels)) {
      throw new InvalidInputException(source + " was fitted on the labels " + labelSet.describe()
          + " but the samples are on " + labels.describe()
          + "; fit a calibration on this label set");
    }
  }
}
