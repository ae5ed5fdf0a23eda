package io.github.lager.core.math;

import java.util.Objects;

/**
 * The score-head projection of LAGER (Lai et al., NeurIPS 2025, Sec. 3.1): for every hidden-state
 * entry {@code l} and score token {@code k}, {@code z[l][k] = W_U[id_k] . h_l (+ b_k)}.
 *
 * <p>{@link Lens#RAW}, the published code's convention, projects every entry as it is: entries
 * 0..L-1 are un-normed, entry L already carries the final norm. {@link Lens#FINAL_NORM} gives the
 * classic logit lens: the final RMSNorm ({@code h / sqrt(mean(h^2) + eps) * g}) is applied to
 * entries 0..L-1 first (entry L is left as it is, being normed already).
 */
public final class Projection {
  /** How intermediate entries are read. */
  public enum Lens {
    /** As the reference code: no norm on entries 0..L-1 (default). */
    RAW,
    /** Classic logit lens: the final RMSNorm on entries 0..L-1; needs {@link ScoreHead#hasFinalNorm()}. */
    FINAL_NORM
  }

  private Projection() {}

  /** Projects with the reference's convention ({@link Lens#RAW}). */
  public static LayerLogits project(HiddenStates states, ScoreHead head) {
    return project(states, head, Lens.RAW);
  }

  public static LayerLogits project(HiddenStates states, ScoreHead head, Lens lens) {
    Objects.requireNonNull(states, "states");
    Objects.requireNonNull(head, "head");
    Objects.requireNonNull(lens, "lens");
    if (states.hiddenSize() != head.hiddenSize()) {
      throw new IllegalArgumentException("hidden size mismatch: hidden states have "
          + states.hiddenSize() + ", score head has " + head.hiddenSize());
    }
    if (lens == Lens.FINAL_NORM && !head.hasFinalNorm()) {
      throw new IllegalArgumentException(
          "the FINAL_NORM lens needs the final-norm weights in the score head (withFinalNorm)");
    }
    int entries = states.entries();
    int h = states.hiddenSize();
    int k = head.points();
    float[] out = new float[entries * k];
    float[] input = states.data();
    if (lens == Lens.FINAL_NORM) {
      input = input.clone();
      for (int l = 0; l < entries - 1; l++) {
        rmsNormInPlace(input, l * h, h, head.normWeight(), head.normEpsilon());
      }
    }
    ProjectionKernels.get().project(input, 0, entries, h, head.rows(), k, out, 0);
    float[] bias = head.bias();
    if (bias != null) {
      for (int l = 0; l < entries; l++) {
        for (int j = 0; j < k; j++) {
          out[l * k + j] += bias[j];
        }
      }
    }
    return LayerLogits.wrap(entries, k, out);
  }

  /**
   * The rounding-error bound of a float32 dot product {@code z[l][k] = W_U[id_k] . h_l}, as any
   * float32 implementation (the reference's or lager's) may compute it:
   * {@code H u sum_i |w_i h_i|} with {@code u = 2^-24} (Higham's {@code gamma_H} bound). Where
   * the terms are large and cancel (Gemma 3's late layers), it exceeds any tolerance relative to
   * the logit itself; tests comparing logits add it to their tolerance.
   */
  public static double float32ErrorBound(HiddenStates states, ScoreHead head, int entry, int k) {
    float[] w = head.row(k);
    float[] h = states.row(entry);
    double sum = 0;
    for (int i = 0; i < w.length; i++) {
      sum += Math.abs((double) w[i] * h[i]);
    }
    return w.length * 0x1p-24 * sum;
  }

  /**
   * RMSNorm as Hugging Face computes it in float32, in place on
   * {@code x[offset, offset+h)}: {@code g * (x / sqrt(mean(x^2) + eps))}; Gemma's
   * {@code (1 + w)} form is this with {@code g = 1 + w} (the score head holds the factor).
   */
  static void rmsNormInPlace(float[] x, int offset, int h, float[] weight, double eps) {
    double sumSq = 0;
    for (int i = offset; i < offset + h; i++) {
      sumSq += (double) x[i] * x[i];
    }
    float inv = (float) (1.0 / Math.sqrt(sumSq / h + eps));
    for (int i = 0; i < h; i++) {
      x[offset + i] = weight[i] * (x[offset + i] * inv);
    }
  }
}
