package io.github.lager.eval;

import io.github.lager.core.io.ScoredSample;
import io.github.lager.core.math.Distributions;
import io.github.lager.core.math.LayerWeights;
import io.github.lager.core.math.ScoreMethod;
import io.github.lager.core.metrics.Correlation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The reference's evaluation ({@code lager/evaluation.py}): every requested score of every valid
 * sample, correlated with the human scores (a list of annotator scores is averaged).
 *
 * <p>As in the reference, {@code direct_score} and {@code e_score} are the values stored in the
 * results file ({@code direct_socre}, {@code weighted_socre}); every other score is computed from
 * the stored logits ({@link ScoreColumns#scoreOf}). Invalid samples ({@code weighted_socre == -1})
 * are skipped and counted.
 */
public final class Evaluation {
  private Evaluation() {}

  /**
   * @param weights tuned layer weights; required when a requested method is tuned
   * @param weightsSource where the weights came from, for messages
   */
  public static EvaluationReport evaluate(List<ScoredSample> samples, List<ScoreMethod> methods,
      LayerWeights weights, String weightsSource) {
    return evaluate(ScoreColumns.of(samples, methods, weights, weightsSource));
  }

  /** The table of {@code columns}; every sample needs a human score. */
  public static EvaluationReport evaluate(ScoreColumns columns) {
    Objects.requireNonNull(columns, "columns");
    double[] human = columns.human();
    Map<ScoreMethod, CorrelationRow> rows = new LinkedHashMap<>();
    for (ScoreMethod m : columns.methods()) {
      rows.put(m, correlate(columns.scores(m), human));
    }
    List<CorrelationRow> perEntry = new ArrayList<>();
    for (int l = 0; l < columns.entries(); l++) {
      double[] pred = new double[columns.n()];
      for (int i = 0; i < pred.length; i++) {
        pred[i] = columns.labelSet().expectation(Distributions.softmax(
            columns.samples().get(i).logits().orElseThrow().rowAsDouble(l)));
      }
      perEntry.add(correlate(pred, human));
    }
    return new EvaluationReport(columns.n(), columns.skippedInvalid(), columns.entries(),
        columns.labelSet(), rows, perEntry);
  }

  /** Pearson, Spearman and Kendall tau-b of {@code pred} with {@code human}. */
  public static CorrelationRow correlate(double[] pred, double[] human) {
    return new CorrelationRow(Correlation.pearson(pred, human), Correlation.spearman(pred, human),
        Correlation.kendallTauB(pred, human));
  }
}
