package io.github.lager.core.io;

import java.util.Arrays;

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
   * The integer training target of the tuner: the mean rounded half to even (Python's
   * {@code round}).
   */
  public int roundedMean() {
    return (int) Math.rint(mean());
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
