package io.github.lager.core.math;

/**
 * Softmax and argmax over a score distribution, in double precision (the expectation over a
 * label set's values is {@link LabelSet#expectation}).
 *
 * <p>The softmax subtracts the maximum first: un-normed late layers of 8B models give score
 * logits of 13-27 and more, which overflow a naive {@code exp}.
 */
public final class Distributions {
  private Distributions() {}

  /** {@code softmax(x)_k = exp(x_k - max) / sum_j exp(x_j - max)}; x must be finite. */
  public static double[] softmax(double[] x) {
    if (x.length == 0) {
      throw new IllegalArgumentException("softmax of an empty vector");
    }
    double max = Double.NEGATIVE_INFINITY;
    for (double v : x) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("softmax input is not finite: " + v);
      }
      max = Math.max(max, v);
    }
    double[] out = new double[x.length];
    double sum = 0;
    for (int i = 0; i < x.length; i++) {
      out[i] = Math.exp(x[i] - max);
      sum += out[i];
    }
    for (int i = 0; i < x.length; i++) {
      out[i] /= sum;
    }
    return out;
  }

  /** The first index of the maximum (as {@code torch.argmax}). */
  public static int argmax(double[] x) {
    if (x.length == 0) {
      throw new IllegalArgumentException("argmax of an empty vector");
    }
    int best = 0;
    for (int i = 1; i < x.length; i++) {
      if (x[i] > x[best]) {
        best = i;
      }
    }
    return best;
  }
}
