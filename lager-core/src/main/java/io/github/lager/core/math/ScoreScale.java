package io.github.lager.core.math;

import io.github.lager.core.InvalidInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A judge's label set: the ordered labels the judge may print (each one token, e.g. "1".."5",
 * "0","1","2" or "A","B","C"), a numeric value for each, and, once a tokenizer is known, each
 * label's token id. The paper's scale 1-5 is the labels "1".."5" with the values 1..5 ({@link
 * #of(int)}); the reference has no other.
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
public final class ScoreScale {
  /** Pairwise outcomes by value: 0 = A better, 1 = tie, 2 = B better. */
  public static final double A_BETTER = 0;
  public static final double TIE = 1;
  public static final double B_BETTER = 2;

  private final List<String> labels;
  private final double[] values;
  private final int[] tokenIds;

  private ScoreScale(List<String> labels, double[] values, int[] tokenIds) {
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
    if (tokenIds.length != 0 && tokenIds.length != labels.size()) {
      throw new IllegalArgumentException(
          "label set " + labels + " needs " + labels.size() + " token ids, got " + tokenIds.length);
    }
    for (int i = 0; i < tokenIds.length; i++) {
      for (int j = 0; j < i; j++) {
        if (tokenIds[i] == tokenIds[j]) {
          throw new IllegalArgumentException("labels \"" + labels.get(j) + "\" and \""
              + labels.get(i) + "\" share token id " + tokenIds[i]
              + "; each label must be its own token");
        }
      }
    }
    this.labels = List.copyOf(labels);
    this.values = values;
    this.tokenIds = tokenIds;
  }

  /** The paper's scales 1..K for small K, made once (scores on them are computed per sample). */
  private static final ScoreScale[] ONE_TO_K = new ScoreScale[17];

  static {
    for (int k = 2; k < ONE_TO_K.length; k++) {
      ONE_TO_K[k] = oneTo(k);
    }
  }

  /** The paper's scale: the labels "1".."points" with the values 1..points, token ids not known. */
  public static ScoreScale of(int points) {
    if (points < 2) {
      throw new IllegalArgumentException("a score scale needs at least 2 points, got " + points);
    }
    return points < ONE_TO_K.length ? ONE_TO_K[points] : oneTo(points);
  }

  private static ScoreScale oneTo(int points) {
    List<String> labels = new ArrayList<>();
    double[] values = new double[points];
    for (int k = 0; k < points; k++) {
      labels.add(Integer.toString(k + 1));
      values[k] = k + 1;
    }
    return new ScoreScale(labels, values, new int[0]);
  }

  /** The labels with the given values (copied); token ids not known. */
  public static ScoreScale of(List<String> labels, double[] values) {
    Objects.requireNonNull(labels, "labels");
    Objects.requireNonNull(values, "values");
    return new ScoreScale(labels, values.clone(), new int[0]);
  }

  /**
   * The labels, each valued at its own number ({@code "0"} is 0, {@code "7"} is 7); fails naming
   * a label that is not a number.
   */
  public static ScoreScale ofNumbers(List<String> labels) {
    double[] values = new double[labels.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = number(labels.get(i)).orElseThrow(i, labels);
    }
    return of(labels, values);
  }

  /** The scale 1..K with token ids: {@code tokenIds[k]} is the token of label {@code k+1}. */
  public static ScoreScale ofTokenIds(int... tokenIds) {
    ScoreScale s = of(tokenIds.length);
    return s.withTokenIds(tokenIds);
  }

  /**
   * A label set from the command line's words: {@code labels} is a comma-separated list
   * ({@code 0,1,2}, {@code A,B,C}) or a range of integers ({@code 1-9}, {@code 0-4}); {@code values}
   * (null: each label's own number) is a comma-separated list of numbers, one per label. Every
   * error names the option and what it expected.
   */
  public static ScoreScale parse(String labels, String values) {
    Objects.requireNonNull(labels, "labels");
    List<String> list = parseLabels(labels);
    if (values == null) {
      for (int i = 0; i < list.size(); i++) {
        if (number(list.get(i)).isEmpty()) {
          throw new InvalidInputException("--labels: label \"" + list.get(i) + "\" is not a"
              + " number, so it has no value of its own; give one value per label with --values"
              + " (e.g. --labels A,B,C --values 1,2,3)");
        }
      }
      return wrap(() -> ofNumbers(list), "--labels");
    }
    String[] parts = values.split(",", -1);
    if (parts.length != list.size()) {
      throw new InvalidInputException("--values has " + parts.length + " value"
          + (parts.length == 1 ? "" : "s") + " (" + values + ") for " + list.size()
          + " labels " + list + "; give one value per label, in the labels' order");
    }
    double[] v = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      ParsedNumber n = number(parts[i].strip());
      if (n.isEmpty()) {
        throw new InvalidInputException("--values: \"" + parts[i].strip() + "\" (the value of"
            + " label \"" + list.get(i) + "\") is not a number");
      }
      v[i] = n.value;
    }
    return wrap(() -> of(list, v), "--labels/--values");
  }

  private static List<String> parseLabels(String text) {
    String t = text.strip();
    java.util.regex.Matcher range = java.util.regex.Pattern.compile("(-?\\d+)-(-?\\d+)").matcher(t);
    if (range.matches()) {
      long from = Long.parseLong(range.group(1));
      long to = Long.parseLong(range.group(2));
      if (to <= from || to - from > 999) {
        throw new InvalidInputException("--labels " + text + ": a range FROM-TO needs FROM < TO"
            + " (at most 1000 labels), e.g. 1-9");
      }
      List<String> out = new ArrayList<>();
      for (long v = from; v <= to; v++) {
        out.add(Long.toString(v));
      }
      return out;
    }
    List<String> out = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      if (part.isEmpty()) {
        throw new InvalidInputException("--labels " + text + ": an empty label; list the labels"
            + " separated by commas (0,1,2 or A,B,C) or give a range (1-9)");
      }
      out.add(part);
    }
    if (out.size() < 2) {
      throw new InvalidInputException("--labels " + text + ": a label set needs at least 2"
          + " labels (0,1,2, A,B,C or a range such as 1-9)");
    }
    return out;
  }

  private static ScoreScale wrap(java.util.function.Supplier<ScoreScale> make, String option) {
    try {
      return make.get();
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(option + ": " + e.getMessage(), e);
    }
  }

  /** A number written as text, or empty. */
  private record ParsedNumber(boolean present, double value) {
    boolean isEmpty() {
      return !present;
    }

    double orElseThrow(int index, List<String> labels) {
      if (!present) {
        throw new IllegalArgumentException("label \"" + labels.get(index) + "\" is not a number;"
            + " give the labels' values");
      }
      return value;
    }
  }

  private static ParsedNumber number(String text) {
    if (!text.matches("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?")) {
      return new ParsedNumber(false, 0);
    }
    double v = Double.parseDouble(text);
    return Double.isFinite(v) ? new ParsedNumber(true, v) : new ParsedNumber(false, 0);
  }

  /** The same labels and values with the labels' token ids (copied). */
  public ScoreScale withTokenIds(int[] ids) {
    Objects.requireNonNull(ids, "ids");
    if (ids.length != labels.size()) {
      throw new IllegalArgumentException(
          "label set " + labels + " needs " + labels.size() + " token ids, got " + ids.length);
    }
    return new ScoreScale(labels, values, ids.clone());
  }

  /** The same labels and values without token ids (what a results file records). */
  public ScoreScale withoutTokenIds() {
    return tokenIds.length == 0 ? this : new ScoreScale(labels, values, new int[0]);
  }

  /** K, the number of labels. */
  public int points() {
    return labels.size();
  }

  /** The labels, in order. */
  public List<String> labels() {
    return labels;
  }

  /** The label of the k-th score token (0-based). */
  public String label(int k) {
    return labels.get(k);
  }

  /** The value of the k-th score token (0-based). */
  public double value(int k) {
    return values[k];
  }

  /** The values, in the labels' order. */
  public double[] values() {
    return values.clone();
  }

  public double minValue() {
    return Arrays.stream(values).min().orElseThrow();
  }

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
      ParsedNumber n = number(labels.get(k));
      if (n.isEmpty() || n.value != values[k]) {
        return false;
      }
    }
    return true;
  }

  public boolean hasTokenIds() {
    return tokenIds.length == labels.size();
  }

  /** Token ids of the labels, in order; fails when the set was made without them. */
  public int[] tokenIds() {
    if (!hasTokenIds()) {
      throw new IllegalStateException("label set " + describe() + " has no token ids");
    }
    return tokenIds.clone();
  }

  /** Index {@code k} with {@code tokenIds[k] == tokenId}, or -1 when it is not a label token. */
  public int indexOfToken(int tokenId) {
    for (int k = 0; k < tokenIds.length; k++) {
      if (tokenIds[k] == tokenId) {
        return k;
      }
    }
    return -1;
  }

  /** Whether {@code other} has the same labels with the same values (token ids aside). */
  public boolean sameLabels(ScoreScale other) {
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
    return o instanceof ScoreScale s && s.labels.equals(labels) && Arrays.equals(s.values, values)
        && Arrays.equals(s.tokenIds, tokenIds);
  }

  @Override
  public int hashCode() {
    return (31 * labels.hashCode() + Arrays.hashCode(values)) * 31 + Arrays.hashCode(tokenIds);
  }

  @Override
  public String toString() {
    return "ScoreScale[" + describe()
        + (hasTokenIds() ? ", tokens " + Arrays.toString(tokenIds) : "") + "]";
  }
}
