package io.github.lager.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * How well people agree with each other: each annotator's scores correlated with the mean of the
 * other annotators' scores, and the mean of those correlations over annotators. A judge whose
 * correlation with the human mean comes near this has little left to gain.
 *
 * <p>The leave-one-out comparison sets one person against the mean of the others (two of three
 * on FLASK), while a judge is compared with the mean of all of them; the ceiling is therefore a
 * conservative one.
 *
 * @param perAnnotator annotator {@code j} against the mean of the others, for each {@code j}
 * @param mean the mean of {@code perAnnotator}, correlation by correlation
 */
public record HumanCeiling(List<CorrelationRow> perAnnotator, CorrelationRow mean) {
  public HumanCeiling {
    perAnnotator = List.copyOf(perAnnotator);
  }

  /** @param annotators {@code [sample][annotator]}, the same number (at least 2) per sample */
  public static HumanCeiling of(double[][] annotators) {
    int count = annotators[0].length;
    if (count < 2) {
      throw new IllegalArgumentException("the human ceiling needs at least 2 annotators, got "
          + count);
    }
    List<CorrelationRow> per = new ArrayList<>();
    for (int j = 0; j < count; j++) {
      double[] own = new double[annotators.length];
      double[] others = new double[annotators.length];
      for (int i = 0; i < annotators.length; i++) {
        if (annotators[i].length != count) {
          throw new IllegalArgumentException("sample " + i + " has " + annotators[i].length
              + " annotators, sample 0 has " + count);
        }
        double sum = 0;
        for (int k = 0; k < count; k++) {
          if (k != j) {
            sum += annotators[i][k];
          }
        }
        own[i] = annotators[i][j];
        others[i] = sum / (count - 1);
      }
      per.add(Evaluation.correlate(own, others));
    }
    double[] mean = new double[3];
    for (CorrelationRow r : per) {
      mean[0] += r.pearson() / count;
      mean[1] += r.spearman() / count;
      mean[2] += r.kendallTau() / count;
    }
    return new HumanCeiling(per, new CorrelationRow(mean[0], mean[1], mean[2]));
  }
}
