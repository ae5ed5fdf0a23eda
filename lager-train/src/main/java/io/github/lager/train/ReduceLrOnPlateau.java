package io.github.lager.train;

/**
 * {@code torch.optim.lr_scheduler.ReduceLROnPlateau} in mode {@code min} with its default
 * relative threshold 1e-4 and no cooldown: after more than {@code patience} epochs without a
 * loss below {@code best * (1 - 1e-4)}, the rate is multiplied by {@code factor}, never below
 * {@code minLr}.
 */
final class ReduceLrOnPlateau {
  private static final double THRESHOLD = 1e-4;
  private static final double EPS = 1e-8;

  private final Adam optimizer;
  private final double factor;
  private final int patience;
  private final double minLr;
  private double best = Double.POSITIVE_INFINITY;
  private int badEpochs;

  ReduceLrOnPlateau(Adam optimizer, double factor, int patience, double minLr) {
    this.optimizer = optimizer;
    this.factor = factor;
    this.patience = patience;
    this.minLr = minLr;
  }

  /** Called once per epoch with the epoch's mean loss. */
  void step(double loss) {
    if (loss < best * (1 - THRESHOLD)) {
      best = loss;
      badEpochs = 0;
    } else {
      badEpochs++;
    }
    if (badEpochs > patience) {
      double old = optimizer.learningRate();
      double lr = Math.max(old * factor, minLr);
      if (old - lr > EPS) {
        optimizer.setLearningRate(lr);
      }
      badEpochs = 0;
    }
  }
}
