package io.github.lager.eval;

import io.github.lager.core.InvalidInputException;
import io.github.lager.core.math.ScoreMethod;
import io.github.lager.core.metrics.PrecisionRecall;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Self-knowledge (the paper's answerability task): does a low judge score single out the
 * questions the model cannot answer? For each score, a sample is predicted unanswerable when its
 * score is at most {@code min + frac * (max - min)} (min and max over the evaluated samples), and
 * the prediction is scored by precision, recall and F1 of the <em>unanswerable</em> class
 * ({@link PrecisionRecall}, scikit-learn's definitions).
 *
 * <p>The label says whether a question is answerable: {@code true}/{@code false} (a JSON boolean
 * or string) or {@code 1}/{@code 0}; anything else fails naming the sample.
 */
public final class Answerability {
  /** One score's threshold and the unanswerable class's precision, recall and F1. */
  public record Result(double threshold, PrecisionRecall unanswerable) {}

  /**
   * @param frac the threshold's position between the lowest and the highest score, in [0, 1]
   * @param answerable unanswerable questions (the positive class) and answerable ones
   * @param results per score, in the evaluation's order
   */
  public record Report(double frac, int answerable, int unanswerable,
      Map<ScoreMethod, Result> results) {
    public Report {
      results = Collections.unmodifiableMap(new LinkedHashMap<>(results));
    }
  }

  private Answerability() {}

  /**
   * @param labels each sample's label by {@code idx} (see the class comment)
   * @param field the label's name, for messages
   */
  public static Report evaluate(ScoreColumns columns, Map<Long, String> labels, String field,
      double frac) {
    Objects.requireNonNull(labels, "labels");
    if (!(frac >= 0 && frac <= 1)) {
      throw new IllegalArgumentException("the threshold fraction must be in [0, 1], got " + frac);
    }
    long[] idx = columns.idx();
    boolean[] unanswerable = new boolean[idx.length];
    int positives = 0;
    for (int i = 0; i < idx.length; i++) {
      unanswerable[i] = !answerable(labels.get(idx[i]), idx[i], field);
      positives += unanswerable[i] ? 1 : 0;
    }
    if (positives == 0) {
      throw new InvalidInputException("no evaluated sample is labelled unanswerable ('" + field
          + "' false or 0 in none of " + idx.length + "): precision and recall of that class are"
          + " undefined");
    }
    Map<ScoreMethod, Result> results = new LinkedHashMap<>();
    for (ScoreMethod m : columns.methods()) {
      double[] s = columns.scores(m);
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (double v : s) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      double threshold = min + frac * (max - min);
      boolean[] predicted = new boolean[s.length];
      for (int i = 0; i < s.length; i++) {
        predicted[i] = s[i] <= threshold;
      }
      results.put(m, new Result(threshold, PrecisionRecall.of(unanswerable, predicted)));
    }
    return new Report(frac, idx.length - positives, positives, results);
  }

  /** {@code true}/{@code false}, {@code 1}/{@code 0}; anything else fails naming the sample. */
  static boolean answerable(String label, long idx, String field) {
    if (label == null) {
      throw new InvalidInputException("idx " + idx + " has no '" + field + "' label");
    }
    String v = label.strip().toLowerCase(Locale.ROOT);
    if (v.equals("true")) {
      return true;
    }
    if (v.equals("false")) {
      return false;
    }
    try {
      double d = Double.parseDouble(v);
      if (d == 1 || d == 0) {
        return d == 1;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InvalidInputException("idx " + idx + ": field '" + field + "' is \"" + label
        + "\"; expected whether the question is answerable: true/false or 1/0");
  }
}
