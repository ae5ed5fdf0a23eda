package io.github.lager.core.math;

/**
 * How the per-entry score logits of one sample become one distribution over the score values
 * (Lai et al., NeurIPS 2025, Eq. 2-4 and Table 2), with the published code's conventions:
 *
 * <ul>
 *   <li>only entries {@code 0..L-1} are aggregated: the final-norm entry L is dropped
 *       ({@code logits[:-1]} in the reference);
 *   <li>{@link #LOGITS}: {@code softmax(sum_l w_l z[l])}; untuned {@code w_l = 1/n} with
 *       {@code n = L}, the number of entries used;
 *   <li>{@link #PROBABILITIES}: {@code softmax(sum_l w_l softmax(z[l]))}; untuned the reference
 *       <em>sums</em> the per-entry distributions ({@code w_l = 1}, no divisor), and so does this;
 *   <li>{@link #LAST_ENTRY}: {@code softmax(z[L])}, what the model prints (no aggregation).
 * </ul>
 */
public enum LayerAggregation {
  /** The final entry alone: the distribution the judge's own output is read from. */
  LAST_ENTRY,
  /** Weighted sum of the entries' logits, then softmax (LAGER). */
  LOGITS,
  /** Weighted sum of the entries' softmax distributions, then softmax (ablation). */
  PROBABILITIES;

  /**
   * The score distribution of {@code z}.
   *
   * @param weights tuned weights over entries {@code 0..L-1}, or {@code null} for the untuned
   *     form; ignored by {@link #LAST_ENTRY}
   */
  public double[] distribution(LayerLogits z, LayerWeights weights) {
    int n = z.entries() - 1;
    int points = z.points();
    if (this == LAST_ENTRY) {
      return Distributions.softmax(z.rowAsDouble(n));
    }
    if (weights != null) {
      weights.checkCompatible(z.entries(), "the given LayerWeights");
    }
    double[] acc = new double[points];
    for (int l = 0; l < n; l++) {
      double w = weights != null ? weights.get(l) : (this == LOGITS ? 1.0 / n : 1.0);
      double[] row = z.rowAsDouble(l);
      if (this == PROBABILITIES) {
        row = Distributions.softmax(row);
      }
      for (int k = 0; k < points; k++) {
        acc[k] += w * row[k];
      }
    }
    return Distributions.softmax(acc);
  }
}
