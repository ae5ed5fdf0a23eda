package io.github.lager.core.math;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * A judge's label set: the ordered labels the judge may print (each one token, e.g. "1".."5",
 * "0","1","2" or "A","B","C") and a numeric value for each, and the math on them. The paper's
 * scale 1-5 is the labels "1".."5" with the values 1..5 ({@link #of(int)}); the reference has no
 * other. {@link LabelSetSyntax} parses a label set from the command line's words; {@link
 * LabelTokens} binds one to a tokenizer's token ids.
 *
 * <p>Every score reads its values here: an expectation is {@code sum_k v_k p_k}, an argmax
 * readout is the value of the most likely label ({@link #expectation}, {@link #argmaxValue}).
 * Values are finite and distinct; they need not be increasing.
 *
 * <p>A <em>pairwise</em> label set ({@link #isPairwise()}) has three labels whose values are 0
 * (the first response is better), 1 (a tie) and 2 (the second response is better), in any order
 * of the labels: {@code 0,1,2}, or MT-Bench's {@code A,B,C} with the values {@code 0,2,1}.
 *
 * <p>Immutable; arrays are copied in and out.
 */
public final class LabelSet {
  /** Pairwise outcomes by value: 0 = A better, 1 = tie, 2 = B better. */
  public static final double A_BETTER = 0;
  public static final double TIE = 1;
  public static final double B_BETTER = 2;

  private final List<String> labels;
  private final double[] values;

  private LabelSet(List<String> labels, double[] values) {
    if (labels.size() < 2) {
      throw new IllegalArgumentException("a label set needs at least 2 labels, got "
          + labels.size() + (labels.isEmpty() ? "" : ": " + labels));
    }
    if (values.length != labels.size()) {
      throw new IllegalArgumentException(labels.size() + " labels " + labels + " but "
          + values.length + " values " + Arrays.toString(values));
    }
    for (int i = 0; i < labels.size(); i++) {
      String label = Objects.requireNonNull(labels.get(i), "label");
      if (label.isEmpty()) {
        throw new IllegalArgumentException("label " + (i + 1) + " of " + labels + " is empty");
      }
      if (!Double.isFinite(values[i])) {
        throw new IllegalArgumentException("label \"" + label + "\" has the value " + values[i]
            + "; values must be finite");
      }
      for (int j = 0; j < i; j++) {
        if (labels.get(j).equals(label)) {
          throw new IllegalArgumentException("label \"" + label + "\" appears twice in " + labels);
        }
        if (values[j] == values[i]) {
          throw new IllegalArgumentException("labels \"" + labels.get(j) + "\" and \"" + label
              + "\" have the same value " + fmt(values[i]) + "; each label needs its own value");
        }
      }
    }
    this.labels = List.copyOf(labels);
    this.values = values;
  }

  /** The paper's scales 1..K for small K, made once (scores on them are computed per sample). */
  private static final LabelSet[] ONE_TO_K = new LabelSet[17];

  static {
    for (int k = 2; k < ONE_TO_K.length; k++) {
      ONE_TO_K[k] = oneTo(k);
    }
  }

  /** The paper's scale: the labels "1".."size" with the values 1..size. */
  public static LabelSet of(int size) {
    if (size < 2) {
      throw new IllegalArgumentException("a score scale needs at least 2 points, got " + size);
    }
    return size < ONE_TO_K.length ? ONE_TO_K[size] : oneTo(size);
  }

  private static LabelSet oneTo(int size) {
    List<String> labels = new ArrayList<>();
    double[] values = new double[size];
    for (int k = 0; k < size; k++) {
      labels.add(Integer.toString(k + 1));
      values[k] = k + 1;
    }
    return new LabelSet(labels, values);
  }

  /** The labels with the given values (copied). */
  public static LabelSet of(List<String> labels, double[] values) {
    Objects.requireNonNull(labels, "labels");
    Objects.requireNonNull(values, "values");
    return new LabelSet(labels, values.clone());
  }

  /** K, the number of labels. */
  public int size() {
    return labels.size();
  }

  /** The labels, in order. */
  public List<String> labels() {
    return labels;
  }

  /** The k-th label (0-based). */
  public String label(int k) {
    return labels.get(k);
  }

  /** The value of the k-th label (0-based). */
  public double value(int k) {
    return values[k];
  }

  /** The values, in the labels' order. */
  public double[] values() {
    return values.clone();
  }

  /** The smallest value. */
  public double minValue() {
    return Arrays.stream(values).min().orElseThrow();
  }

  /** The largest value. */
  public double maxValue() {
    return Arrays.stream(values).max().orElseThrow();
  }

  /** The index of the label whose value is {@code value}, or -1 when no label has it. */
  public int indexOfValue(double value) {
    for (int k = 0; k < values.length; k++) {
      if (values[k] == value) {
        return k;
      }
    }
    return -1;
  }

  /** The label whose value is {@code value}, or the value written as a number when none has it. */
  public String labelOf(double value) {
    int k = indexOfValue(value);
    return k >= 0 ? labels.get(k) : fmt(value);
  }

  /** {@code sum_k v_k p_k}: the expected value of a distribution over the labels. */
  public double expectation(double[] p) {
    checkLength(p);
    double e = 0;
    for (int k = 0; k < p.length; k++) {
      e += values[k] * p[k];
    }
    return e;
  }

  /** The value of the first most likely label (ties to the earlier label, as torch.argmax). */
  public double argmaxValue(double[] p) {
    checkLength(p);
    return values[Distributions.argmax(p)];
  }

  private void checkLength(double[] p) {
    if (p.length != values.length) {
      throw new IllegalArgumentException("a distribution over " + p.length + " values for the "
          + values.length + " labels " + labels);
    }
  }

  /** Whether these are the paper's labels "1".."K" with the values 1..K. */
  public boolean isOneToK() {
    for (int k = 0; k < labels.size(); k++) {
      if (!labels.get(k).equals(Integer.toString(k + 1)) || values[k] != k + 1) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether this is a pairwise label set: three labels with the values 0 (A better), 1 (tie) and
   * 2 (B better), in any order.
   */
  public boolean isPairwise() {
    return values.length == 3 && indexOfValue(A_BETTER) >= 0 && indexOfValue(TIE) >= 0
        && indexOfValue(B_BETTER) >= 0;
  }

  /** Whether every label is its own value written as a number ({@code 0,1,2}, {@code 1-9}). */
  public boolean labelsAreValues() {
    for (int k = 0; k < labels.size(); k++) {
      OptionalDouble n = LabelSetSyntax.number(labels.get(k));
      if (n.isEmpty() || n.getAsDouble() != values[k]) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code other} has the same labels with the same values (as {@link #equals}). */
  public boolean sameLabels(LabelSet other) {
    return other.labels.equals(labels) && Arrays.equals(other.values, values);
  }

  /**
   * In words, for messages and tables: {@code 1-5} for the paper's scales, {@code 0,1,2} when
   * each label is its own value, else {@code A=1, B=2, C=3}.
   */
  public String describe() {
    if (isOneToK()) {
      return "1-" + labels.size();
    }
    if (labelsAreValues()) {
      return String.join(",", labels);
    }
    StringBuilder sb = new StringBuilder();
    for (int k = 0; k < labels.size(); k++) {
      sb.append(k == 0 ? "" : ", ").append(labels.get(k)).append('=').append(fmt(values[k]));
    }
    return sb.toString();
  }

  /** A value as the shortest text: {@code 3}, not {@code 3.0}. */
  public static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v)
        : String.format(Locale.ROOT, "%s", v);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LabelSet s && s.labels.equals(labels) && Arrays.equals(s.values, values);
  }

  @Override
  public int hashCode() {
    return 31 * labels.hashCode() + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return "LabelSet[" + describe() + "]";
  }
}
