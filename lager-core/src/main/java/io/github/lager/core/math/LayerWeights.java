package io.github.lager.core.math;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * Layer weights {@code w = softmax(theta)} for LAGER with tuning: one non-negative weight per
 * aggregated entry, summing to 1. The reference aggregates entries {@code 0..L-1} of the
 * {@code L+1} hidden-state entries (it drops the final-norm entry), so a model with
 * {@code numHiddenLayers = L} has {@code L} weights.
 *
 * <p>Weights tuned on one model are only meaningful for a model with the same layer count;
 * {@link #checkCompatible(int, String)} enforces that with a message naming the source.
 *
 * @param weights the weights (copied in and out)
 * @param provenance how they were made; absent for hand-made weights
 */
public record LayerWeights(double[] weights, Optional<WeightsProvenance> provenance) {
  /** Tolerance on {@code sum(w) == 1}. */
  public static final double SUM_TOLERANCE = 1e-6;

  public LayerWeights {
    Objects.requireNonNull(weights, "weights");
    Objects.requireNonNull(provenance, "provenance");
    if (weights.length < 1) {
      throw new IllegalArgumentException("layer weights need at least one weight");
    }
    double sum = 0;
    for (int i = 0; i < weights.length; i++) {
      if (!(weights[i] >= 0) || !Double.isFinite(weights[i])) {
        throw new IllegalArgumentException("layer weight " + i + " is " + weights[i]
            + "; weights must be finite and >= 0");
      }
      sum += weights[i];
    }
    if (Math.abs(sum - 1) > SUM_TOLERANCE) {
      throw new IllegalArgumentException(
          "layer weights sum to " + sum + ", expected 1 within " + SUM_TOLERANCE);
    }
    weights = weights.clone();
  }

  public LayerWeights(double[] weights) {
    this(weights, Optional.empty());
  }

  /** The weights of the reference's untuned start: {@code 1/n} each. */
  public static LayerWeights uniform(int n) {
    double[] w = new double[n];
    Arrays.fill(w, 1.0 / n);
    return new LayerWeights(w);
  }

  @Override
  public double[] weights() {
    return weights.clone();
  }

  /** The number of weights, i.e. of aggregated entries. */
  public int size() {
    return weights.length;
  }

  public double get(int i) {
    return weights[i];
  }

  /** The number of hidden-state entries ({@code L+1}) these weights are for. */
  public int entries() {
    return weights.length + 1;
  }

  /**
   * Fails unless these weights fit logits with {@code entries} hidden-state entries.
   *
   * @param source where the weights came from, for the message (a file name)
   */
  public void checkCompatible(int entries, String source) {
    if (entries != entries()) {
      throw new IllegalArgumentException(String.format(
          "layer weights from %s have %d weights, for a model with %d hidden layers (%d hidden-state"
              + " entries), but the logits have %d entries (a model with %d hidden layers needs %d"
              + " weights): tune weights for this model",
          source, size(), size(), entries(), entries, entries - 1, entries - 1));
    }
  }

  /**
   * Fails unless these weights were tuned on the label set {@code labelSet} (labels and values), or
   * the caller reuses them on purpose. Layer weights are per layer, not per label, so weights
   * tuned on one label set can be applied to another (the paper reuses weights tuned on 1-5 for
   * 1-9 scales); lager asks for that to be said. Weights without provenance (made by hand) and
   * weights from files that record no label set (tuned on a "1".."K" scale) pass for any
   * "1".."K" scale.
   *
   * @param reuse the caller accepts weights tuned on another label set
   * @param weights what the weights are, the subject of the message ("layer weights from w.json")
   * @param option the option that allows the reuse, named in the message
   */
  public void checkLabels(LabelSet labelSet, boolean reuse, String weights, String option) {
    if (reuse || provenance.isEmpty()) {
      return;
    }
    Optional<LabelSet> tunedOn = provenance.get().labelSet();
    boolean fits = tunedOn.isPresent() ? tunedOn.get().sameLabels(labelSet) : labelSet.isOneToK();
    if (!fits) {
      throw new IllegalArgumentException(weights + " were tuned on the labels "
          + tunedOn.map(LabelSet::describe).orElse("1-K (not recorded)") + " (of "
          + provenance.get().trainingData() + "), these samples are on " + labelSet.describe()
          + "; tune weights on this label set, or pass " + option + " to reuse them (weights are"
          + " per layer, so they apply to any label set; the paper reuses 1-5 weights on 1-9)");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LayerWeights w
        && Arrays.equals(w.weights, weights)
        && w.provenance.equals(provenance);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(weights) * 31 + provenance.hashCode();
  }

  @Override
  public String toString() {
    return "LayerWeights" + Arrays.toString(weights);
  }
}
