package io.github.lager.core.metrics;

/**
 * How far predicted scores are from the human scores, on the score scale, as scikit-learn
 * computes it (checked to 1e-9 against numpy in the tests):
 *
 * <ul>
 *   <li>{@link #meanAbsolute}: {@code sklearn.metrics.mean_absolute_error}, {@code mean |p - y|};
 *   <li>{@link #rootMeanSquared}: {@code sklearn.metrics.root_mean_squared_error},
 *       {@code sqrt(mean (p - y)^2)}.
 * </ul>
 */
public final class Errors {
  private Errors() {}

  public static double meanAbsolute(double[] predicted, double[] truth) {
    check(predicted, truth);
    double sum = 0;
    for (int i = 0; i < predicted.length; i++) {
      sum += Math.abs(predicted[i] - truth[i]);
    }
    return sum / predicted.length;
  }

  public static double rootMeanSquared(double[] predicted, double[] truth) {
    check(predicted, truth);
    double sum = 0;
    for (int i = 0; i < predicted.length; i++) {
      double d = predicted[i] - truth[i];
      sum += d * d;
    }
    return Math.sqrt(sum / predicted.length);
  }

  private static void check(double[] predicted, double[] truth) {
    if (predicted.length != truth.length) {
      throw new IllegalArgumentException("errors need two arrays of one length, got "
          + predicted.length + " and " + truth.length);
    }
    if (predicted.length == 0) {
      throw new IllegalArgumentException("errors need at least 1 sample, got 0");
    }
    for (int i = 0; i < predicted.length; i++) {
      if (!Double.isFinite(predicted[i]) || !Double.isFinite(truth[i])) {
        throw new IllegalArgumentException(
            "error input " + i + " is not finite: (" + predicted[i] + ", " + truth[i] + ")");
      }
    }
  }
}
