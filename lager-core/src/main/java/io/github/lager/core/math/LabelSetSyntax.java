package io.github.lager.core.math;

import io.github.lager.core.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The written form of a {@link LabelSet}: the text of the {@code --labels} and {@code --values}
 * options (and of the fields and parameters that take the same words), parsed into a label set;
 * every error names the option and what it expected.
 */
public final class LabelSetSyntax {
  private static final Pattern RANGE = Pattern.compile("(-?\\d+)-(-?\\d+)");
  private static final Pattern NUMBER =
      Pattern.compile("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?");

  private LabelSetSyntax() {}

  /**
   * A label set from the command line's words: {@code labels} is a comma-separated list
   * ({@code 0,1,2}, {@code A,B,C}) or a range of integers ({@code 1-9}, {@code 0-4});
   * {@code values} (null: each label's own number) is a comma-separated list of numbers, one per
   * label. Every error names the option and what it expected.
   */
  public static LabelSet parse(String labels, String values) {
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
      OptionalDouble n = number(parts[i].strip());
      if (n.isEmpty()) {
        throw new InvalidInputException("--values: \"" + parts[i].strip() + "\" (the value of"
            + " label \"" + list.get(i) + "\") is not a number");
      }
      v[i] = n.getAsDouble();
    }
    return wrap(() -> LabelSet.of(list, v), "--labels/--values");
  }

  /**
   * The labels, each valued at its own number ({@code "0"} is 0, {@code "7"} is 7); fails naming
   * a label that is not a number.
   */
  public static LabelSet ofNumbers(List<String> labels) {
    double[] values = new double[labels.size()];
    for (int i = 0; i < values.length; i++) {
      OptionalDouble n = number(labels.get(i));
      if (n.isEmpty()) {
        throw new IllegalArgumentException("label \"" + labels.get(i) + "\" is not a number;"
            + " give the labels' values");
      }
      values[i] = n.getAsDouble();
    }
    return LabelSet.of(labels, values);
  }

  /**
   * The labels of the {@code --labels} text: a comma-separated list or a range {@code FROM-TO}
   * of integers; fails on an empty label, a backward range or fewer than 2 labels.
   */
  public static List<String> parseLabels(String text) {
    String t = text.strip();
    Matcher range = RANGE.matcher(t);
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

  private static LabelSet wrap(Supplier<LabelSet> make, String option) {
    try {
      return make.get();
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(option + ": " + e.getMessage(), e);
    }
  }

  /** A number written as text ({@code 3}, {@code -0.5}, {@code 1e2}), or empty. */
  static OptionalDouble number(String text) {
    if (!NUMBER.matcher(text).matches()) {
      return OptionalDouble.empty();
    }
    double v = Double.parseDouble(text);
    return Double.isFinite(v) ? OptionalDouble.of(v) : OptionalDouble.empty();
  }
}
