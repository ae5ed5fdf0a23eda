package io.github.lager.core.metrics;

/**
 * Precision, recall and F1 of one class (the positive class) of a binary decision, as
 * {@code sklearn.metrics.precision_recall_fscore_support(truth, predicted, average='binary')}
 * computes them with its default {@code zero_division} (0 where a denominator is 0):
 * {@code precision = TP / (TP + FP)}, {@code recall = TP / (TP + FN)},
 * {@code F1 = 2 TP / (2 TP + FP + FN)} (equal to the harmonic mean of precision and recall).
 *
 * @param truePositives samples of the class predicted as the class
 * @param falsePositives samples of the other class predicted as the class
 * @param falseNegatives samples of the class predicted as the other class
 * @param trueNegatives samples of the other class predicted as the other class
 */
public record PrecisionRecall(
    int truePositives, int falsePositives, int falseNegatives, int trueNegatives) {
  public PrecisionRecall {
    if (truePositives < 0 || falsePositives < 0 || falseNegatives < 0 || trueNegatives < 0) {
      throw new IllegalArgumentException("negative count in " + truePositives + ", "
          + falsePositives + ", " + falseNegatives + ", " + trueNegatives);
    }
  }

  /**
   * @param truth whether each sample is of the positive class
   * @param predicted whether each sample was predicted as the positive class
   */
  public static PrecisionRecall of(boolean[] truth, boolean[] predicted) {
    if (truth.length != predicted.length) {
      throw new IllegalArgumentException("precision and recall need two arrays of one length, got "
          + truth.length + " and " + predicted.length);
    }
    int tp = 0;
    int fp = 0;
    int fn = 0;
    int tn = 0;
    for (int i = 0; i < truth.length; i++) {
      if (predicted[i]) {
        if (truth[i]) {
          tp++;
        } else {
          fp++;
        }
      } else if (truth[i]) {
        fn++;
      } else {
        tn++;
      }
    }
    return new PrecisionRecall(tp, fp, fn, tn);
  }

  public double precision() {
    return ratio(truePositives, truePositives + falsePositives);
  }

  public double recall() {
    return ratio(truePositives, truePositives + falseNegatives);
  }

  public double f1() {
    return ratio(2 * truePositives, 2 * truePositives + falsePositives + falseNegatives);
  }

  private static double ratio(int numerator, int denominator) {
    return denominator == 0 ? 0 : (double) numerator / denominator;
  }
}
