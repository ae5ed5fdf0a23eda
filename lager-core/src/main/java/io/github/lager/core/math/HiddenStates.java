package io.github.lager.core.math;

import java.util.Arrays;

/**
 * The hidden states of one sample at its score position: one vector of size {@code hidden} per
 * entry of the model's hidden-state tuple ({@code L+1} entries; entry 0 = token embeddings,
 * entries 1..L-1 = decoder-layer outputs before the final norm, entry L = final norm applied to
 * layer L's output, the Hugging Face convention).
 *
 * <p>Immutable; stored row-major as float32.
 */
public final class HiddenStates {
  private final int entries;
  private final int hiddenSize;
  private final float[] data;

  private HiddenStates(int entries, int hiddenSize, float[] data) {
    if (entries < 2 || hiddenSize < 1) {
      throw new IllegalArgumentException(
          "hidden states need >= 2 entries and hidden size >= 1, got " + entries + " x " + hiddenSize);
    }
    if (data.length != entries * hiddenSize) {
      throw new IllegalArgumentException("expected " + entries + " x " + hiddenSize
          + " hidden-state values, got " + data.length);
    }
    this.entries = entries;
    this.hiddenSize = hiddenSize;
    this.data = data;
  }

  /** From a row-major {@code entries x hiddenSize} array (copied). */
  public static HiddenStates of(int entries, int hiddenSize, float[] rowMajor) {
    return new HiddenStates(entries, hiddenSize, rowMajor.clone());
  }

  /** From rows of equal length (copied). */
  public static HiddenStates of(float[][] rows) {
    float[] data = RowMajor.flatten(rows, "hidden size");
    return new HiddenStates(rows.length, rows[0].length, data);
  }

  /**
   * Takes ownership of {@code rowMajor} without copying. For backends that fill a fresh array per
   * sample; the caller must not touch the array afterwards.
   */
  public static HiddenStates wrap(int entries, int hiddenSize, float[] rowMajor) {
    return new HiddenStates(entries, hiddenSize, rowMajor);
  }

  public int entries() {
    return entries;
  }

  public int hiddenSize() {
    return hiddenSize;
  }

  /** A copy of entry {@code l}. */
  public float[] row(int l) {
    return Arrays.copyOfRange(data, l * hiddenSize, (l + 1) * hiddenSize);
  }

  /** The backing array, for kernels in this package only. */
  float[] data() {
    return data;
  }

  /** A copy of all values, row-major. */
  public float[] toArray() {
    return data.clone();
  }

  @Override
  public String toString() {
    return "HiddenStates[" + entries + " entries x " + hiddenSize + "]";
  }
}
