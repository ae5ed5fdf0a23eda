package io.github.lager.core.io;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The human rating of a sample: one score, or the scores of several annotators (FLASK has three),
 * which are averaged for correlation as the reference does.
 *
 * @param values the score(s); copied in and out
 * @param isList whether the source gave a list (kept so that files are written back the same way)
 */
public record HumanScore(double[] values, boolean isList) {
  public HumanScore {
    if (values.length == 0) {
      throw new IllegalArgumentException("a human score list is empty");
    }
    if (!isList && values.length != 1) {
      throw new IllegalArgumentException("a single human score has " + values.length + " values");
    }
    for (double v : values) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("human score " + v + " is not finite");
      }
    }
    values = values.clone();
  }

  public static HumanScore of(double value) {
    return new HumanScore(new double[] {value}, false);
  }

  public static HumanScore ofAnnotators(double... values) {
    return new HumanScore(values, true);
  }

  @Override
  public double[] values() {
    return values.clone();
  }

  /** The mean of the annotators' scores (the score itself for a single score). */
  public double mean() {
    double s = 0;
    for (double v : values) {
      s += v;
    }
    return s / values.length;
  }

  /**
   * The majority label: the value given most often, when one value is given strictly more often
   * than every other; empty for a split vote ({@code [0, 2]}, {@code [0, 0, 2, 2]},
   * {@code [0, 1, 2]}). A single score is its own majority.
   */
  public OptionalDouble majority() {
    return majority(values);
  }

  /** {@link #majority()} of any list of labels (e.g. the other annotators'). */
  public static OptionalDouble majority(double[] labels) {
    Map<Double, Integer> counts = new LinkedHashMap<>();
    for (double v : labels) {
      counts.merge(v, 1, Integer::sum);
    }
    double best = Double.NaN;
    int top = 0;
    boolean unique = false;
    for (Map.Entry<Double, Integer> e : counts.entrySet()) {
      if (e.getValue() > top) {
        top = e.getValue();
        best = e.getKey();
        unique = true;
      } else if (e.getValue() == top) {
        unique = false;
      }
    }
    return unique ? OptionalDouble.of(best) : OptionalDouble.empty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HumanScore h && h.isList == isList && Arrays.equals(h.values, values);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(values) * 2 + (isList ? 1 : 0);
  }

  @Override
  public String toString() {
    return isList ? Arrays.toString(values) : Double.toString(values[0]);
  }
}
