package io.github.lager.core.calibration;

import io.github.lager.core.InvalidInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A non-decreasing map from a judge's score to the human scale: LAGER's expected score ranks
 * well but is squeezed toward the middle of the scale (on FLASK lager_wo has sd 0.26 against the
 * humans' 1.11), so its absolute error is large; a monotone map fixes the scale without
 * reordering the samples. A strictly increasing map (a linear map with a positive slope) leaves
 * Spearman and Kendall correlations exactly as they were; an isotonic map is a step function and
 * can tie samples that were apart, so they may move slightly.
 *
 * <p>Fitting follows scikit-learn (checked against numpy/scipy on tools/golden, 1e-9):
 * {@link Linear} is {@code LinearRegression(positive=True)} and {@link Isotonic} is
 * {@code IsotonicRegression(increasing=True, out_of_bounds='clip')}.
 */
public sealed interface CalibrationMap permits CalibrationMap.Linear, CalibrationMap.Isotonic {
  /** The calibrated value of a score. */
  double apply(double score);

  /** The calibrated values of scores. */
  default double[] apply(double[] scores) {
    double[] out = new double[scores.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = apply(scores[i]);
    }
    return out;
  }

  /**
   * Fits a map from {@code scores} to {@code human}.
   *
   * @throws InvalidInputException when the scores are all equal (nothing to map from)
   */
  static CalibrationMap fit(CalibrationMethod method, double[] scores, double[] human) {
    Objects.requireNonNull(method, "method");
    if (scores.length != human.length) {
      throw new IllegalArgumentException("calibration needs two arrays of one length, got "
          + scores.length + " and " + human.length);
    }
    if (scores.length < 2) {
      throw new InvalidInputException("calibration needs at least 2 samples, got "
          + scores.length);
    }
    double min = Arrays.stream(scores).min().orElseThrow();
    double max = Arrays.stream(scores).max().orElseThrow();
    if (min == max) {
      throw new InvalidInputException("every score is " + min
          + " on the calibration data; a constant score cannot be mapped to the human scale");
    }
    return method == CalibrationMethod.LINEAR ? Linear.fit(scores, human)
        : Isotonic.fit(scores, human);
  }

  /**
   * {@code intercept + slope * score}.
   *
   * @param slope at least 0; a least-squares slope below 0 (a score that ranks against the
   *     humans) is fitted as 0, a flat map at the mean human score
   */
  record Linear(double intercept, double slope) implements CalibrationMap {
    public Linear {
      if (!Double.isFinite(intercept) || !Double.isFinite(slope) || slope < 0) {
        throw new IllegalArgumentException("a linear calibration needs a finite intercept and a"
            + " finite slope >= 0, got intercept " + intercept + ", slope " + slope);
      }
    }

    /** Least squares with a non-negative slope: {@code LinearRegression(positive=True)}. */
    static Linear fit(double[] x, double[] y) {
      double mx = mean(x);
      double my = mean(y);
      double sxy = 0;
      double sxx = 0;
      for (int i = 0; i < x.length; i++) {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) * (x[i] - mx);
      }
      double slope = Math.max(0, sxy / sxx);
      return new Linear(my - slope * mx, slope);
    }

    @Override
    public double apply(double score) {
      return intercept + slope * score;
    }
  }

  /**
   * Linear interpolation through the knots {@code (x[i], y[i])}, constant beyond the first and
   * the last knot ({@code out_of_bounds='clip'}).
   *
   * @param x the distinct training scores, increasing
   * @param y their fitted values, non-decreasing
   */
  record Isotonic(double[] x, double[] y) implements CalibrationMap {
    public Isotonic {
      if (x.length == 0 || x.length != y.length) {
        throw new IllegalArgumentException("an isotonic calibration needs as many values as"
            + " knots (at least 1), got " + x.length + " knots and " + y.length + " values");
      }
      for (int i = 0; i < x.length; i++) {
        if (!Double.isFinite(x[i]) || !Double.isFinite(y[i])) {
          throw new IllegalArgumentException("isotonic knot " + i + " is not finite: (" + x[i]
              + ", " + y[i] + ")");
        }
        if (i > 0 && !(x[i] > x[i - 1])) {
          throw new IllegalArgumentException("isotonic knots must increase: knot " + i + " is "
              + x[i] + " after " + x[i - 1]);
        }
        if (i > 0 && y[i] < y[i - 1]) {
          throw new IllegalArgumentException("isotonic values must not decrease: value " + i
              + " is " + y[i] + " after " + y[i - 1]);
        }
      }
      x = x.clone();
      y = y.clone();
    }

    /**
     * {@code IsotonicRegression.fit}: sort by score, pool equal scores into their mean human
     * score weighted by their count, then pool adjacent violators (weighted).
     */
    static Isotonic fit(double[] scores, double[] human) {
      Integer[] order = new Integer[scores.length];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      Arrays.sort(order, (a, b) -> scores[a] != scores[b] ? Double.compare(scores[a], scores[b])
          : Double.compare(human[a], human[b]));
      List<double[]> unique = new ArrayList<>(); // {x, sum of y, count}
      for (int i : order) {
        double[] last = unique.isEmpty() ? null : unique.get(unique.size() - 1);
        if (last != null && last[0] == scores[i]) {
          last[1] += human[i];
          last[2] += 1;
        } else {
          unique.add(new double[] {scores[i], human[i], 1});
        }
      }
      int m = unique.size();
      double[] x = new double[m];
      double[] value = new double[m];
      double[] weight = new double[m];
      int[] size = new int[m];
      int blocks = 0;
      for (int i = 0; i < m; i++) {
        double[] u = unique.get(i);
        x[i] = u[0];
        value[blocks] = u[1] / u[2];
        weight[blocks] = u[2];
        size[blocks] = 1;
        blocks++;
        while (blocks > 1 && value[blocks - 2] > value[blocks - 1]) {
          double w = weight[blocks - 2] + weight[blocks - 1];
          value[blocks - 2] = (value[blocks - 2] * weight[blocks - 2]
              + value[blocks - 1] * weight[blocks - 1]) / w;
          weight[blocks - 2] = w;
          size[blocks - 2] += size[blocks - 1];
          blocks--;
        }
      }
      double[] y = new double[m];
      int k = 0;
      for (int b = 0; b < blocks; b++) {
        for (int j = 0; j < size[b]; j++) {
          y[k++] = value[b];
        }
      }
      return new Isotonic(x, y);
    }

    @Override
    public double apply(double score) {
      if (!(score > x[0])) {
        return y[0];
      }
      if (score >= x[x.length - 1]) {
        return y[x.length - 1];
      }
      int j = Arrays.binarySearch(x, score);
      if (j >= 0) {
        return y[j];
      }
      int lo = -j - 2;
      double slope = (y[lo + 1] - y[lo]) / (x[lo + 1] - x[lo]);
      return slope * (score - x[lo]) + y[lo];
    }

    @Override
    public double[] x() {
      return x.clone();
    }

    @Override
    public double[] y() {
      return y.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Isotonic i && Arrays.equals(i.x, x) && Arrays.equals(i.y, y);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(x) * 31 + Arrays.hashCode(y);
    }

    @Override
    public String toString() {
      return "Isotonic[" + x.length + " knots from " + x[0] + " to " + x[x.length - 1] + "]";
    }
  }

  private static double mean(double[] v) {
    double s = 0;
    for (double d : v) {
      s += d;
    }
    return s / v.length;
  }
}
