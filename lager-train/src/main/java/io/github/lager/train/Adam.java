package io.github.lager.train;

/**
 * Adam (Kingma and Ba, 2015) exactly as {@code torch.optim.Adam} with its defaults
 * (betas 0.9 / 0.999, eps 1e-8, no weight decay, no amsgrad):
 * {@code p -= (lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)}.
 *
 * <p>Call order: construct with the parameter count, then {@link #step} once per batch; change
 * the rate between steps with {@link #setLearningRate} (the plateau schedule does).
 */
final class Adam {
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double EPS = 1e-8;

  private final double[] m;
  private final double[] v;
  private double learningRate;
  private int t;

  Adam(int parameters, double learningRate) {
    this.m = new double[parameters];
    this.v = new double[parameters];
    this.learningRate = learningRate;
  }

  /** Updates {@code params} in place from {@code grads}. */
  void step(double[] params, double[] grads) {
    t++;
    double bc1 = 1 - Math.pow(BETA1, t);
    double bc2Sqrt = Math.sqrt(1 - Math.pow(BETA2, t));
    double stepSize = learningRate / bc1;
    for (int i = 0; i < params.length; i++) {
      m[i] = BETA1 * m[i] + (1 - BETA1) * grads[i];
      v[i] = BETA2 * v[i] + (1 - BETA2) * grads[i] * grads[i];
      params[i] -= stepSize * m[i] / (Math.sqrt(v[i]) / bc2Sqrt + EPS);
    }
  }

  double learningRate() {
    return learningRate;
  }

  void setLearningRate(double lr) {
    this.learningRate = lr;
  }
}
