package io.github.lager.eval;

import io.github.lager.core.math.ScoreMethod;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * A paired bootstrap comparison of two scores on the same resamples ({@link Bootstrap}).
 *
 * @param a the score that may agree better
 * @param b the score it is compared with
 * @param difference for each correlation, {@code r(a) - r(b)} and its percentile interval
 * @param pOneSided for each correlation, the one-sided p-value of "a agrees better than b":
 *     {@code (1 + #{resamples with r(a) - r(b) <= 0}) / (resamples + 1)}
 */
public record Comparison(ScoreMethod a, ScoreMethod b, Map<CorrelationKind, Interval> difference,
    Map<CorrelationKind, Double> pOneSided) {
  public Comparison {
    difference = Collections.unmodifiableMap(new EnumMap<>(difference));
    pOneSided = Collections.unmodifiableMap(new EnumMap<>(pOneSided));
  }
}
