package io.github.lager.eval;

/**
 * A statistic on the full sample and its bootstrap percentile interval.
 *
 * @param estimate the statistic on the samples as they are
 * @param low the {@code (1 - level) / 2} percentile of the resampled statistic
 * @param high the {@code (1 + level) / 2} percentile of the resampled statistic
 * @param undefined resamples on which the statistic is undefined (a constant resample has no
 *     correlation); they are left out of the percentiles
 */
public record Interval(double estimate, double low, double high, int undefined) {
  public Interval {
    if (undefined < 0) {
      throw new IllegalArgumentException("undefined resamples " + undefined + " < 0");
    }
    if (low > high) {
      throw new IllegalArgumentException("interval [" + low + ", " + high + "] is reversed");
    }
  }
}
