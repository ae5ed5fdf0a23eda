package io.github.lager.eval;

import io.github.lager.core.InvalidInputException;
import io.github.lager.core.io.HumanScore;
import io.github.lager.core.io.ScoredSample;
import io.github.lager.core.math.LabelSet;
import io.github.lager.core.math.LayerWeights;
import io.github.lager.core.math.PairwiseScore;
import io.github.lager.core.math.PairwiseScore.Outcome;
import io.github.lager.core.math.ScoreMethod;
import io.github.lager.core.metrics.Agreement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The evaluation of pairwise judgments (a pairwise label set: 0 = A better, 1 = tie, 2 = B
 * better) against human labels, per score:
 *
 * <ul>
 *   <li>the <b>human majority</b> of a sample is the label its annotators gave most often, when
 *       one label is given strictly more often than any other ({@link HumanScore#majority()}); a
 *       split vote ({@code [0, 2]}, {@code [0, 1, 2]}, {@code [0, 0, 2, 2]}) has none, and the
 *       sample is left out of accuracy and kappa and counted ({@code noMajority}). A majority
 *       "tie" is a class like the others;
 *   <li>a score's <b>prediction</b> is the outcome of its pairwise score ({@link Outcome#of}: the
 *       nearest of 0, 1, 2, halfway to the tie), averaged over both orders when the sample was
 *       judged with position swap;
 *   <li><b>accuracy</b> ({@code sklearn.metrics.accuracy_score}) and <b>Cohen's kappa</b>
 *       ({@code cohen_kappa_score}) of the predictions against the human majorities, three
 *       classes; <b>accuracy without ties</b> on the samples where neither the majority nor the
 *       prediction is a tie (MT-Bench's "without tie" agreement);
 *   <li><b>swap consistency</b>: the fraction of samples whose two orders give the same outcome
 *       (all valid samples, with or without a majority);
 *   <li>the <b>human ceiling</b>, when the human labels are lists: each annotator's label against
 *       the majority of the <em>other</em> annotators of the sample, pooled over every annotator
 *       of every sample (a pair whose others split is skipped and counted); its accuracy and
 *       kappa.
 * </ul>
 *
 * A sample without a score token (in either order) is left out and counted. Every human label
 * must be one of the values 0, 1, 2.
 */
public final class PairwiseEvaluation {
  /**
   * One score's agreement with the human majorities.
   *
   * @param n samples with a human majority
   * @param accuracy the fraction of them predicted as their majority
   * @param withoutTies samples where neither the majority nor the prediction is a tie
   * @param accuracyWithoutTies the accuracy on those
   * @param cohenKappa Cohen's kappa of predictions and majorities (NaN when undefined)
   * @param swapConsistency the fraction of valid samples whose two orders agree; empty without a
   *     swap
   * @param predicted how often the score predicts A, a tie and B over the valid samples
   */
  public record Row(int n, double accuracy, int withoutTies, double accuracyWithoutTies,
      double cohenKappa, OptionalDouble swapConsistency, Map<Outcome, Integer> predicted) {
    public Row {
      Objects.requireNonNull(swapConsistency, "swapConsistency");
      predicted = Collections.unmodifiableMap(new LinkedHashMap<>(predicted));
    }
  }

  /**
   * One annotator against the majority of the others.
   *
   * @param comparisons annotator labels compared with their others' majority
   * @param skipped annotator labels whose others split (no majority)
   * @param accuracy the fraction of comparisons that agree
   * @param cohenKappa Cohen's kappa over the comparisons
   */
  public record Ceiling(int comparisons, int skipped, double accuracy, double cohenKappa) {}

  /**
   * @param labelSet the label set
   * @param n valid samples (a score token in every order judged)
   * @param skippedInvalid samples left out for want of a score token
   * @param noMajority valid samples whose annotators split
   * @param majorities how many valid samples have each majority
   * @param swapped whether the samples were judged in both orders
   * @param rows one row per score, in the requested order
   * @param humanCeiling present when the human labels are lists
   */
  public record Report(LabelSet labelSet, int n, int skippedInvalid, int noMajority,
      Map<Outcome, Integer> majorities, boolean swapped, Map<ScoreMethod, Row> rows,
      Optional<Ceiling> humanCeiling) {
    public Report {
      majorities = Collections.unmodifiableMap(new LinkedHashMap<>(majorities));
      rows = Collections.unmodifiableMap(new LinkedHashMap<>(rows));
    }
  }

  private PairwiseEvaluation() {}

  /**
   * Evaluates the pairwise judgments of {@code samples} for each of {@code methods}.
   *
   * @param weights tuned layer weights; required when a requested method is tuned
   * @param weightsSource where the weights came from, for messages
   * @param reuseWeights allow weights tuned on another label set ({@link
   *     LayerWeights#checkLabels})
   */
  public static Report evaluate(List<ScoredSample> samples, List<ScoreMethod> methods,
      LayerWeights weights, String weightsSource, boolean reuseWeights) {
    Objects.requireNonNull(samples, "samples");
    if (methods.stream().anyMatch(ScoreMethod::isTuned) && weights == null) {
      throw new IllegalArgumentException("tuned scores were requested without layer weights");
    }
    if (weights != null) {
      samples.stream().filter(ScoredSample::isValid).findFirst().ifPresent(s -> {
        weights.checkCompatible(s.logits().orElseThrow().entries(), weightsSource);
        try {
          weights.checkLabels(s.requireLabelSet(), reuseWeights,
              "the layer weights of " + weightsSource, "--reuse-weights");
        } catch (IllegalArgumentException e) {
          throw new InvalidInputException(e.getMessage(), e);
        }
      });
    }
    List<HumanScore> humans = new ArrayList<>();
    List<Long> idx = new ArrayList<>();
    Map<ScoreMethod, List<PairwiseScore>> scores = new LinkedHashMap<>();
    methods.forEach(m -> scores.put(m, new ArrayList<>()));
    LabelSet labelSet = null;
    Boolean swapped = null;
    long firstIdx = 0;
    int invalid = 0;
    for (ScoredSample s : samples) {
      Map<ScoreMethod, PairwiseScore> p = s.pairwiseScores(weights);
      if (p.isEmpty()) {
        invalid++;
        continue;
      }
      if (labelSet == null) {
        labelSet = s.requireLabelSet();
        swapped = s.swapped().isPresent();
        firstIdx = s.idx();
      } else if (!s.requireLabelSet().sameLabels(labelSet)) {
        throw new InvalidInputException("idx " + s.idx() + " is on the labels "
            + s.requireLabelSet().describe() + " but idx " + firstIdx + " on " + labelSet.describe()
            + ": samples of one evaluation must share one label set");
      } else if (swapped != s.swapped().isPresent()) {
        throw new InvalidInputException("idx " + s.idx() + " was judged "
            + (s.swapped().isPresent() ? "in both orders" : "in one order") + " but idx "
            + firstIdx + (swapped ? " in both" : " in one") + ": evaluate the results of"
            + " --pairwise runs and of single-order runs separately");
      }
      idx.add(s.idx());
      humans.add(s.humanScore().orElseThrow(() -> new InvalidInputException("idx " + s.idx()
          + " has no human_score; the pairwise evaluation needs the human labels")));
      for (ScoreMethod m : methods) {
        scores.get(m).add(p.get(m));
      }
    }
    if (labelSet == null) {
      throw new InvalidInputException("nothing to evaluate: none of the " + samples.size()
          + " samples has a score token");
    }
    return evaluate(labelSet, idx.stream().mapToLong(Long::longValue).toArray(), humans, scores,
        invalid);
  }

  /**
   * The report of given pairwise scores (one list per score, one entry per sample) against the
   * samples' human labels.
   *
   * @param idx each sample's idx, for messages
   */
  public static Report evaluate(LabelSet labelSet, long[] idx, List<HumanScore> humans,
      Map<ScoreMethod, List<PairwiseScore>> scores, int skippedInvalid) {
    PairwiseScore.checkPairwise(labelSet);
    int n = humans.size();
    Outcome[] majority = new Outcome[n];
    Map<Outcome, Integer> majorities = counts();
    int noMajority = 0;
    boolean lists = n > 0;
    for (int i = 0; i < n; i++) {
      HumanScore h = humans.get(i);
      for (double v : h.values()) {
        outcome(v, idx[i]);
      }
      lists &= h.isList() && h.values().length >= 2;
      OptionalDouble m = h.majority();
      if (m.isPresent()) {
        majority[i] = outcome(m.getAsDouble(), idx[i]);
        majorities.merge(majority[i], 1, Integer::sum);
      } else {
        noMajority++;
      }
    }
    boolean swapped = false;
    Map<ScoreMethod, Row> rows = new LinkedHashMap<>();
    for (Map.Entry<ScoreMethod, List<PairwiseScore>> e : scores.entrySet()) {
      List<PairwiseScore> p = e.getValue();
      if (p.size() != n) {
        throw new IllegalArgumentException(e.getKey().key() + " has " + p.size()
            + " pairwise scores for " + n + " samples");
      }
      List<Integer> truth = new ArrayList<>();
      List<Integer> pred = new ArrayList<>();
      List<Integer> truthNoTie = new ArrayList<>();
      List<Integer> predNoTie = new ArrayList<>();
      Map<Outcome, Integer> predicted = counts();
      int consistent = 0;
      int withSwap = 0;
      for (int i = 0; i < n; i++) {
        Outcome o = p.get(i).outcome();
        predicted.merge(o, 1, Integer::sum);
        if (p.get(i).swapConsistent().isPresent()) {
          withSwap++;
          consistent += p.get(i).swapConsistent().get() ? 1 : 0;
        }
        if (majority[i] == null) {
          continue;
        }
        truth.add(majority[i].ordinal());
        pred.add(o.ordinal());
        if (majority[i] != Outcome.TIE && o != Outcome.TIE) {
          truthNoTie.add(majority[i].ordinal());
          predNoTie.add(o.ordinal());
        }
      }
      if (withSwap != 0 && withSwap != n) {
        throw new IllegalArgumentException(e.getKey().key() + ": " + withSwap + " of " + n
            + " samples were judged in both orders; all or none must be");
      }
      swapped = withSwap > 0;
      int[] t = ints(truth);
      int[] q = ints(pred);
      rows.put(e.getKey(), new Row(t.length, Agreement.accuracy(t, q), truthNoTie.size(),
          Agreement.accuracy(ints(truthNoTie), ints(predNoTie)), Agreement.cohenKappa(t, q),
          withSwap > 0 ? OptionalDouble.of((double) consistent / withSwap)
              : OptionalDouble.empty(), predicted));
    }
    return new Report(labelSet, n, skippedInvalid, noMajority, majorities, swapped, rows,
        lists ? Optional.of(ceiling(humans)) : Optional.empty());
  }

  /** Each annotator against the majority of the other annotators of the sample, pooled. */
  static Ceiling ceiling(List<HumanScore> humans) {
    List<Integer> one = new ArrayList<>();
    List<Integer> others = new ArrayList<>();
    int skipped = 0;
    for (HumanScore h : humans) {
      double[] v = h.values();
      for (int j = 0; j < v.length; j++) {
        double[] rest = new double[v.length - 1];
        for (int k = 0, r = 0; k < v.length; k++) {
          if (k != j) {
            rest[r++] = v[k];
          }
        }
        OptionalDouble m = HumanScore.majority(rest);
        if (m.isEmpty()) {
          skipped++;
          continue;
        }
        one.add((int) v[j]);
        others.add((int) m.getAsDouble());
      }
    }
    int[] a = ints(one);
    int[] b = ints(others);
    return new Ceiling(a.length, skipped, Agreement.accuracy(a, b), Agreement.cohenKappa(a, b));
  }

  private static Outcome outcome(double label, long idx) {
    return Outcome.ofValue(label).orElseThrow(() -> new InvalidInputException("idx " + idx
        + ": human label " + LabelSet.fmt(label) + " is not a pairwise label (0 = A better,"
        + " 1 = tie, 2 = B better)"));
  }

  private static Map<Outcome, Integer> counts() {
    Map<Outcome, Integer> m = new LinkedHashMap<>();
    for (Outcome o : Outcome.values()) {
      m.put(o, 0);
    }
    return m;
  }

  private static int[] ints(List<Integer> list) {
    return list.stream().mapToInt(Integer::intValue).toArray();
  }
}
