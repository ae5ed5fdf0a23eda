package io.github.lager.core.metrics;

import java.util.TreeSet;

/**
 * Agreement of two raters on class labels: accuracy and Cohen's kappa, as scikit-learn computes
 * them.
 *
 * <ul>
 *   <li>{@link #accuracy}: the fraction of items on which the two agree
 *       ({@code sklearn.metrics.accuracy_score});
 *   <li>{@link #cohenKappa}: {@code kappa = 1 - sum(W * C) / sum(W * E)} over the labels either
 *       rater used, with {@code C} the confusion matrix, {@code E = outer(rowsum(C), colsum(C)) /
 *       n} and {@code W} 0 on the diagonal and 1 elsewhere ({@code
 *       sklearn.metrics.cohen_kappa_score(a, b)}, unweighted); equal to
 *       {@code (p_o - p_e) / (1 - p_e)}. It is undefined (NaN, as scikit-learn returns) when the
 *       expected disagreement is 0: both raters gave every item one and the same label.
 * </ul>
 */
public final class Agreement {
  private Agreement() {}

  /** The fraction of items with {@code a[i] == b[i]}; NaN for no items. */
  public static double accuracy(int[] a, int[] b) {
    check(a, b);
    if (a.length == 0) {
      return Double.NaN;
    }
    int same = 0;
    for (int i = 0; i < a.length; i++) {
      if (a[i] == b[i]) {
        same++;
      }
    }
    return (double) same / a.length;
  }

  /** Cohen's kappa of the two label lists; NaN when undefined (see the class comment). */
  public static double cohenKappa(int[] a, int[] b) {
    check(a, b);
    if (a.length == 0) {
      return Double.NaN;
    }
    TreeSet<Integer> set = new TreeSet<>();
    for (int i = 0; i < a.length; i++) {
      set.add(a[i]);
      set.add(b[i]);
    }
    Integer[] labels = set.toArray(new Integer[0]);
    int k = labels.length;
    double[][] confusion = new double[k][k];
    for (int i = 0; i < a.length; i++) {
      confusion[index(labels, a[i])][index(labels, b[i])]++;
    }
    double[] rows = new double[k];
    double[] cols = new double[k];
    double total = 0;
    for (int r = 0; r < k; r++) {
      for (int c = 0; c < k; c++) {
        rows[r] += confusion[r][c];
        cols[c] += confusion[r][c];
        total += confusion[r][c];
      }
    }
    double observed = 0;
    double expected = 0;
    for (int r = 0; r < k; r++) {
      for (int c = 0; c < k; c++) {
        if (r != c) {
          observed += confusion[r][c];
          expected += rows[r] * cols[c] / total;
        }
      }
    }
    return expected == 0 ? Double.NaN : 1 - observed / expected;
  }

  private static int index(Integer[] labels, int label) {
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] == label) {
        return i;
      }
    }
    throw new IllegalStateException("label " + label + " missing");
  }

  private static void check(int[] a, int[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("agreement needs two label lists of one length, got "
          + a.length + " and " + b.length);
    }
  }
}
