package io.github.lager.core.metrics;

import org.apache.commons.math3.stat.correlation.KendallsCorrelation;
import org.apache.commons.math3.stat.correlation.PearsonsCorrelation;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;
import org.apache.commons.math3.stat.ranking.NaNStrategy;
import org.apache.commons.math3.stat.ranking.NaturalRanking;
import org.apache.commons.math3.stat.ranking.TiesStrategy;

/**
 * Correlation between predicted and human scores, as {@code scipy.stats} computes it (checked to
 * 1e-9 against scipy in the tests, ties included):
 *
 * <ul>
 *   <li>{@link #pearson}: {@code scipy.stats.pearsonr(x, y)[0]};
 *   <li>{@link #spearman}: {@code scipy.stats.spearmanr(x, y)[0]}, the Pearson correlation of
 *       average ranks (tied values share the mean of their ranks);
 *   <li>{@link #kendallTauB}: {@code scipy.stats.kendalltau(x, y)[0]}, tau-b, O(n log n).
 * </ul>
 *
 * <p>A constant input has no correlation: the result is NaN, as in scipy.
 */
public final class Correlation {
  private static final SpearmansCorrelation SPEARMAN =
      new SpearmansCorrelation(new NaturalRanking(NaNStrategy.FAILED, TiesStrategy.AVERAGE));

  private Correlation() {}

  public static double pearson(double[] x, double[] y) {
    check(x, y);
    return new PearsonsCorrelation().correlation(x, y);
  }

  public static double spearman(double[] x, double[] y) {
    check(x, y);
    return SPEARMAN.correlation(x, y);
  }

  public static double kendallTauB(double[] x, double[] y) {
    check(x, y);
    return new KendallsCorrelation().correlation(x, y);
  }

  private static void check(double[] x, double[] y) {
    if (x.length != y.length) {
      throw new IllegalArgumentException(
          "correlation needs two arrays of one length, got " + x.length + " and " + y.length);
    }
    if (x.length < 2) {
      throw new IllegalArgumentException("correlation needs at least 2 samples, got " + x.length);
    }
    for (int i = 0; i < x.length; i++) {
      if (!Double.isFinite(x[i]) || !Double.isFinite(y[i])) {
        throw new IllegalArgumentException(
            "correlation input " + i + " is not finite: (" + x[i] + ", " + y[i] + ")");
      }
    }
  }
}
