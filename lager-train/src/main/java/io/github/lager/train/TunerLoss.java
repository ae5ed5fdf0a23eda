package io.github.lager.train;

import io.github.lager.core.math.Distributions;
import io.github.lager.core.math.LabelSet;
import io.github.lager.core.math.LayerLogits;
import java.util.List;

/**
 * The tuner's loss on one batch and its analytic gradient (docs/method.md section 3).
 *
 * <p>With {@code w = softmax(theta)} over entries {@code 0..n-1} ({@code n = L}, the final-norm
 * entry is left out), per sample {@code s = sum_l w_l z[l]}, {@code p = softmax(s)},
 * {@code E = sum_k v_k p_k} over the label set's values {@code v_k} (1..K on the paper's scales),
 * target label {@code t} with value {@code y = v_t}:
 *
 * <pre>
 *   loss = a * mean(CE(s, t)) + (1 - a) * mean(R(E, y))
 *   R = (E - y)^2   (REFERENCE, a = sigmoid(alpha), alpha learned)
 *   R = |E - y|     (PAPER, a = alpha fixed)
 *   dCE/ds = p - onehot(t)     dE/ds_k = p_k (v_k - E)
 *   dloss/dtheta_j = w_j (g_j - sum_l w_l g_l),  g_l = sum_batch sum_k dloss/ds_k z[l][k]
 * </pre>
 */
final class TunerLoss {
  /** The loss of a batch, its parts, and the gradients. */
  record Result(double loss, double crossEntropy, double regression, double[] gradTheta) {}

  private TunerLoss() {}

  /**
   * @param theta the layer logits' parameters (length n)
   * @param mix the weight {@code a} of the cross-entropy term
   * @param absolute MAE (paper) instead of MSE (reference)
   * @param labelSet the label set: its values give the expected score and the targets' values
   */
  static Result evaluate(double[] theta, double mix, boolean absolute,
      List<TrainingExample> batch, LabelSet labelSet) {
    int n = theta.length;
    double[] w = Distributions.softmax(theta);
    int points = labelSet.size();
    double[] values = labelSet.values();
    int size = batch.size();
    double ce = 0;
    double reg = 0;
    double[] gW = new double[n];
    for (TrainingExample ex : batch) {
      LayerLogits z = ex.logits();
      if (z.entries() != n + 1) {
        throw new IllegalArgumentException("a sample has " + z.entries() + " entries; the tuner has "
            + n + " weights (for " + (n + 1) + " entries)");
      }
      double[] s = new double[points];
      double[][] rows = new double[n][];
      for (int l = 0; l < n; l++) {
        rows[l] = z.rowAsDouble(l);
        for (int k = 0; k < points; k++) {
          s[k] += w[l] * rows[l][k];
        }
      }
      double[] p = Distributions.softmax(s);
      int y = ex.labelIndex();
      ce += -Math.log(p[y]);
      double e = labelSet.expectation(p);
      double diff = e - values[y];
      reg += absolute ? Math.abs(diff) : diff * diff;
      double dRdE = absolute ? Math.signum(diff) : 2 * diff;
      double[] gS = new double[points];
      for (int k = 0; k < points; k++) {
        double dCe = p[k] - (k == y ? 1 : 0);
        double dE = p[k] * (values[k] - e);
        gS[k] = (mix * dCe + (1 - mix) * dRdE * dE) / size;
      }
      for (int l = 0; l < n; l++) {
        double g = 0;
        for (int k = 0; k < points; k++) {
          g += gS[k] * rows[l][k];
        }
        gW[l] += g;
      }
    }
    ce /= size;
    reg /= size;
    double wg = 0;
    for (int l = 0; l < n; l++) {
      wg += w[l] * gW[l];
    }
    double[] gTheta = new double[n];
    for (int l = 0; l < n; l++) {
      gTheta[l] = w[l] * (gW[l] - wg);
    }
    return new Result(mix * ce + (1 - mix) * reg, ce, reg, gTheta);
  }

  static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }
}
