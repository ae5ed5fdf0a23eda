package io.github.lager.train;

import io.github.lager.core.math.LayerWeights;

/**
 * What the tuner produced.
 *
 * @param weights the tuned weights, with provenance
 * @param epochLosses the mean batch loss of each epoch (what the plateau schedule saw)
 * @param stepLosses the loss of every step
 * @param alpha REFERENCE: the learned mixing parameter at the end (pre-sigmoid); PAPER: the fixed
 *     mix
 * @param finalLearningRate the learning rate after the last epoch
 */
public record TuningResult(LayerWeights weights, double[] epochLosses, double[] stepLosses,
    double alpha, double finalLearningRate) {
  public TuningResult {
    epochLosses = epochLosses.clone();
    stepLosses = stepLosses.clone();
  }

  @Override
  public double[] epochLosses() {
    return epochLosses.clone();
  }

  @Override
  public double[] stepLosses() {
    return stepLosses.clone();
  }
}
