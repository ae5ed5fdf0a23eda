package io.github.lager.core.eval;

import io.github.lager.core.InvalidInputException;
import io.github.lager.core.io.ScoredSample;
import io.github.lager.core.math.Distributions;
import io.github.lager.core.math.LayerLogits;
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
 * the stored logits. Invalid samples ({@code weighted_socre == -1}) are skipped and counted.
 */
public final class Evaluation {
  private Evaluation() {}

  /**
   * @param weights tuned layer weights; required when a requested method is tuned
   * @param weightsSource where the weights came from, for messages
   */
  public static EvaluationReport evaluate(List<ScoredSample> samples, List<ScoreMethod> methods,
      LayerWeights weights, String weightsSource) {
    Objects.requireNonNull(samples, "samples");
    Objects.requireNonNull(methods, "methods");
    if (samples.isEmpty()) {
      throw new InvalidInputException("nothing to evaluate: no samples");
    }
    List<ScoredSample> valid = new ArrayList<>();
    for (ScoredSample s : samples) {
      if (s.isValid()) {
        valid.add(s);
      }
    }
    if (valid.size() < 2) {
      throw new InvalidInputException("nothing to evaluate: " + valid.size() + " valid of "
          + samples.size() + " samples (correlation needs at least 2)");
    }
    LayerLogits first = valid.get(0).logits().orElseThrow();
    int entries = first.entries();
    int points = first.points();
    double[] human = new double[valid.size()];
    for (int i = 0; i < valid.size(); i++) {
      ScoredSample s = valid.get(i);
      LayerLogits z = s.logits().orElseThrow();
      if (z.entries() != entries || z.points() != points) {
        throw new InvalidInputException(String.format(
            "idx %d has %d entries x %d score logits but idx %d has %d x %d: samples of one"
                + " evaluation must come from one model and one score scale",
            s.idx(), z.entries(), z.points(), valid.get(0).idx(), entries, points));
      }
      human[i] = s.humanScore().orElseThrow(() -> new InvalidInputException(
          "idx " + s.idx() + " has no human_score; evaluation needs one for every valid sample"))
          .mean();
    }
    boolean needsWeights = methods.stream().anyMatch(ScoreMethod::isTuned);
    if (needsWeights) {
      if (weights == null) {
        throw new IllegalArgumentException("tuned scores were requested without layer weights");
      }
      weights.checkCompatible(entries, weightsSource);
    }

    Map<ScoreMethod, CorrelationRow> rows = new LinkedHashMap<>();
    for (ScoreMethod m : methods) {
      double[] pred = new double[valid.size()];
      for (int i = 0; i < pred.length; i++) {
        ScoredSample s = valid.get(i);
        pred[i] = switch (m) {
          case DIRECT_SCORE -> s.directScore();
          case E_SCORE -> s.eScore();
          default -> m.score(s.logits().orElseThrow(), weights);
        };
      }
      rows.put(m, correlate(pred, human));
    }
    List<CorrelationRow> perEntry = new ArrayList<>();
    for (int l = 0; l < entries; l++) {
      double[] pred = new double[valid.size()];
      for (int i = 0; i < pred.length; i++) {
        pred[i] = Distributions.expectation(
            Distributions.softmax(valid.get(i).logits().orElseThrow().rowAsDouble(l)));
      }
      perEntry.add(correlate(pred, human));
    }
    return new EvaluationReport(valid.size(), samples.size() - valid.size(), entries, points, rows,
        perEntry);
  }

  static CorrelationRow correlate(double[] pred, double[] human) {
    return new CorrelationRow(Correlation.pearson(pred, human), Correlation.spearman(pred, human),
        Correlation.kendallTauB(pred, human));
  }
}
