package io.github.lager.eval;

import io.github.lager.core.math.LabelSet;
import io.github.lager.core.math.ScoreMethod;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference's evaluation table and what it was computed on.
 *
 * @param n valid samples correlated
 * @param skippedInvalid samples skipped because the judge emitted no score token
 * @param entries hidden-state entries per sample ({@code L+1})
 * @param labelSet the label set the samples are on
 * @param rows one row per requested score, in the requested order
 * @param perEntry for each entry {@code l}, the correlation of {@code E[softmax(z[l])]} with the
 *     human scores: where in the network the judgment is best readable
 */
public record EvaluationReport(
    int n,
    int skippedInvalid,
    int entries,
    LabelSet labelSet,
    Map<ScoreMethod, CorrelationRow> rows,
    List<CorrelationRow> perEntry) {
  public EvaluationReport {
    rows = Collections.unmodifiableMap(new LinkedHashMap<>(rows));
    perEntry = List.copyOf(perEntry);
  }

  /** The number of labels K. */
  public int points() {
    return labelSet.size();
  }
}
