package io.github.lager.core.math;

import java.util.Arrays;

/**
 * Score-token logits of one sample, per hidden-state entry: {@code z[l][k]} for entries
 * {@code l = 0..L} (0 = embeddings, L = final-norm output) and score values {@code k = 0..K-1}.
 *
 * <p>Immutable and always finite: construction fails on NaN or infinite values, naming the entry
 * and score value, so that no score is ever computed from them.
 */
public final class LayerLogits {
  private final int entries;
  private final int points;
  private final float[] data;

  private LayerLogits(int entries, int points, float[] data) {
    if (entries < 2) {
      throw new IllegalArgumentException(
          "layer logits need at least 2 entries (embeddings and one layer), got " + entries);
    }
    if (points < 2) {
      throw new IllegalArgumentException("layer logits need at least 2 score values, got " + points);
    }
    if (data.length != entries * points) {
      throw new IllegalArgumentException(
          "expected " + entries + " x " + points + " logits, got " + data.length + " values");
    }
    for (int i = 0; i < data.length; i++) {
      if (!Float.isFinite(data[i])) {
        throw new IllegalArgumentException(
            "logit of entry " + (i / points) + ", score " + (i % points + 1) + " is " + data[i]);
      }
    }
    this.entries = entries;
    this.points = points;
    this.data = data;
  }

  /** From rows {@code z[l]} of equal length K. */
  public static LayerLogits of(float[][] rows) {
    float[] data = RowMajor.flatten(rows, "logits");
    return new LayerLogits(rows.length, rows[0].length, data);
  }

  /** From a row-major {@code entries x points} array (copied). */
  public static LayerLogits of(int entries, int points, float[] rowMajor) {
    return new LayerLogits(entries, points, rowMajor.clone());
  }

  /** Takes ownership of {@code rowMajor}; for kernels that fill a fresh array. */
  static LayerLogits wrap(int entries, int points, float[] rowMajor) {
    return new LayerLogits(entries, points, rowMajor);
  }

  /** L+1: the number of hidden-state entries, the last one being the final-norm output. */
  public int entries() {
    return entries;
  }

  /** K: the number of score values. */
  public int points() {
    return points;
  }

  public float get(int entry, int k) {
    if (entry < 0 || entry >= entries || k < 0 || k >= points) {
      throw new IndexOutOfBoundsException(
          "entry " + entry + ", score index " + k + " outside " + entries + " x " + points);
    }
    return data[entry * points + k];
  }

  /** A copy of {@code z[entry]}. */
  public float[] row(int entry) {
    return Arrays.copyOfRange(data, entry * points, (entry + 1) * points);
  }

  /** A copy of {@code z[entry]} widened to double. */
  public double[] rowAsDouble(int entry) {
    double[] out = new double[points];
    for (int k = 0; k < points; k++) {
      out[k] = data[entry * points + k];
    }
    return out;
  }

  /** A copy of all logits, row-major. */
  public float[] toArray() {
    return data.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LayerLogits z
        && z.entries == entries
        && z.points == points
        && Arrays.equals(z.data, data);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(data) * 31 + entries;
  }

  @Override
  public String toString() {
    return "LayerLogits[" + entries + " entries x " + points + " scores]";
  }
}
