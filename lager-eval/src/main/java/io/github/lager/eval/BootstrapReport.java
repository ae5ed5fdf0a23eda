package io.github.lager.eval;

import io.github.lager.core.math.ScoreMethod;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Bootstrap percentile intervals of an evaluation ({@link Bootstrap}).
 *
 * @param resamples how many resamples
 * @param level the intervals' coverage, e.g. 0.95
 * @param rows for each score, in the evaluation's order, each correlation's interval
 * @param humanCeiling the {@link HumanCeiling}'s mean row with intervals, when the human scores
 *     are annotator lists
 * @param comparisons the paired comparisons asked for, in order
 */
public record BootstrapReport(
    int resamples,
    double level,
    Map<ScoreMethod, Map<CorrelationKind, Interval>> rows,
    Optional<Map<CorrelationKind, Interval>> humanCeiling,
    List<Comparison> comparisons) {
  public BootstrapReport {
    Map<ScoreMethod, Map<CorrelationKind, Interval>> copy = new LinkedHashMap<>();
    rows.forEach((m, r) -> copy.put(m, Collections.unmodifiableMap(new EnumMap<>(r))));
    rows = Collections.unmodifiableMap(copy);
    humanCeiling = humanCeiling.map(c -> Collections.unmodifiableMap(new EnumMap<>(c)));
    comparisons = List.copyOf(comparisons);
  }
}
