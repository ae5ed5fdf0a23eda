package io.github.lager.eval;

import io.github.lager.core.InvalidInputException;
import io.github.lager.core.io.ScoredSample;
import io.github.lager.core.math.LayerWeights;
import io.github.lager.core.math.ScoreMethod;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Data selection with a judge (the paper's instruction-data use): rank the samples by a score and
 * keep the best. With several aspects (one results file per aspect, the same samples judged on
 * each), a sample's value is the mean over aspects of its z-score within each aspect
 * ({@code scipy.stats.zscore}, population sd). The ranking is best first, ties broken by the
 * smaller {@code idx}. A sample that is invalid (no score token) in any aspect is never selected.
 *
 * <p>Every other computed score makes its own selection of the same size as a baseline; with
 * human scores, each selection's mean human score shows what the ranking buys.
 */
public final class Selection {
  /** How many to keep: the top fraction (rounded up) or the top count of the ranked samples. */
  public record Rule(double fraction, int count) {
    public Rule {
      if ((fraction > 0) == (count > 0)) {
        throw new IllegalArgumentException("a selection keeps either a fraction or a count, got"
            + " fraction " + fraction + " and count " + count);
      }
      if (fraction > 1 || Double.isNaN(fraction)) {
        throw new IllegalArgumentException("the top fraction must be in (0, 1], got " + fraction);
      }
    }

    public static Rule topFraction(double fraction) {
      if (!(fraction > 0)) {
        throw new IllegalArgumentException("the top fraction must be in (0, 1], got " + fraction);
      }
      return new Rule(fraction, 0);
    }

    public static Rule topCount(int count) {
      if (count < 1) {
        throw new IllegalArgumentException("the top count must be at least 1, got " + count);
      }
      return new Rule(0, count);
    }

    /** The number kept of {@code n}: {@code ceil(fraction * n)}, or {@code min(count, n)}. */
    public int keep(int n) {
      return fraction > 0 ? (int) Math.ceil(fraction * n) : Math.min(count, n);
    }

    /** How the rule applies to {@code n} samples: "top 20% (ceil(0.2 x 539) = 108)". */
    public String describe(int n) {
      if (fraction == 0) {
        return "top " + count + (count > n ? " (all " + n + ")" : "");
      }
      double percent = fraction * 100;
      String p = percent == Math.rint(percent) ? Long.toString((long) percent)
          : Double.toString(percent);
      return "top " + p + "% (ceil(" + fraction + " x " + n + ") = " + keep(n) + ")";
    }
  }

  /**
   * One score's selection.
   *
   * @param selectedIdx the selected samples' {@code idx}, best first
   * @param meanHumanSelected the mean human score of the selection, when every sample has one
   * @param overlap how many of them the main selection also holds
   */
  public record Choice(List<Long> selectedIdx, OptionalDouble meanHumanSelected, int overlap) {
    public Choice {
      selectedIdx = List.copyOf(selectedIdx);
    }
  }

  /**
   * @param by the ranking score
   * @param aspects aspect files combined (1: no z-scoring)
   * @param n valid samples ranked
   * @param skippedInvalid samples invalid in at least one aspect
   * @param selections the main selection ({@code by}) first, then each other score's
   * @param meanHumanAll the mean human score of all ranked samples, when every one has one
   */
  public record Report(ScoreMethod by, int aspects, int n, int skippedInvalid, Rule rule,
      Map<ScoreMethod, Choice> selections, OptionalDouble meanHumanAll) {
    public Report {
      selections = Collections.unmodifiableMap(new LinkedHashMap<>(selections));
    }

    /** The main selection. */
    public Choice selected() {
      return selections.get(by);
    }
  }

  private Selection() {}

  /**
   * @param aspects one source per aspect; the same {@code idx} in every one
   * @param methods the scores to compute; {@code by} must be one of them
   */
  public static Report select(List<SampleSets.Source> aspects, ScoreMethod by,
      List<ScoreMethod> methods, LayerWeights weights, String weightsSource, Rule rule) {
    return select(aspects, by, methods, weights, weightsSource, false, rule);
  }

  /**
   * As {@link #select(List, ScoreMethod, List, LayerWeights, String, Rule)}.
   *
   * @param reuseWeights allow weights tuned on another label set
   */
  public static Report select(List<SampleSets.Source> aspects, ScoreMethod by,
      List<ScoreMethod> methods, LayerWeights weights, String weightsSource,
      boolean reuseWeights, Rule rule) {
    Objects.requireNonNull(by, "by");
    Objects.requireNonNull(rule, "rule");
    if (aspects.isEmpty()) {
      throw new IllegalArgumentException("selection needs at least one aspect");
    }
    if (!methods.contains(by)) {
      throw new IllegalArgumentException("the ranking score " + by.key() + " is not among "
          + methods.stream().map(ScoreMethod::key).toList());
    }
    // The samples valid in every aspect, in the first aspect's order.
    Set<Long> invalid = new HashSet<>();
    List<Map<Long, ScoredSample>> byIdx = new ArrayList<>();
    for (SampleSets.Source a : aspects) {
      Map<Long, ScoredSample> m = new HashMap<>();
      for (ScoredSample s : a.samples()) {
        if (m.putIfAbsent(s.idx(), s) != null) {
          throw new InvalidInputException(a.name() + ": idx " + s.idx() + " appears twice");
        }
        if (!s.isValid()) {
          invalid.add(s.idx());
        }
      }
      byIdx.add(m);
    }
    List<Long> order = aspects.get(0).samples().stream().map(ScoredSample::idx).toList();
    for (int a = 1; a < aspects.size(); a++) {
      if (byIdx.get(a).size() != order.size() || !byIdx.get(a).keySet().containsAll(order)) {
        Set<Long> only = new HashSet<>(byIdx.get(a).keySet());
        only.removeAll(order);
        Set<Long> missing = new HashSet<>(order);
        missing.removeAll(byIdx.get(a).keySet());
        throw new InvalidInputException("aspects must judge the same samples: "
            + aspects.get(a).name() + " lacks idx " + first(missing) + " of "
            + aspects.get(0).name() + " and has idx " + first(only) + " it lacks");
      }
    }
    List<Long> kept = order.stream().filter(i -> !invalid.contains(i)).toList();
    if (kept.size() < 2) {
      throw new InvalidInputException(aspects.get(0).name() + ": " + kept.size() + " of "
          + order.size() + " samples are valid (have a score token) in every aspect; ranking"
          + " needs at least 2");
    }
    List<ScoreColumns> columns = new ArrayList<>();
    for (int a = 0; a < aspects.size(); a++) {
      Map<Long, ScoredSample> m = byIdx.get(a);
      try {
        columns.add(ScoreColumns.of(kept.stream().map(m::get).toList(), methods, weights,
            weightsSource, reuseWeights));
      } catch (InvalidInputException e) {
        throw new InvalidInputException(aspects.get(a).name() + ": " + e.getMessage(), e);
      }
    }
    Map<ScoreMethod, double[]> combined = new LinkedHashMap<>();
    for (ScoreMethod m : methods) {
      combined.put(m, combine(columns, m, aspects));
    }
    OptionalDouble meanHumanAll = OptionalDouble.empty();
    double[] human = null;
    if (columns.stream().allMatch(ScoreColumns::hasHumanScores)) {
      human = new double[kept.size()];
      for (ScoreColumns c : columns) {
        double[] h = c.human();
        for (int i = 0; i < h.length; i++) {
          human[i] += h[i] / columns.size();
        }
      }
      meanHumanAll = OptionalDouble.of(mean(human, allRows(kept.size())));
    }
    long[] idx = kept.stream().mapToLong(Long::longValue).toArray();
    int keep = rule.keep(kept.size());
    int[] main = top(combined.get(by), idx, keep);
    Set<Long> mainIdx = new HashSet<>();
    for (int r : main) {
      mainIdx.add(idx[r]);
    }
    Map<ScoreMethod, Choice> selections = new LinkedHashMap<>();
    List<ScoreMethod> ordered = new ArrayList<>(List.of(by));
    methods.stream().filter(m -> m != by).forEach(ordered::add);
    for (ScoreMethod m : ordered) {
      int[] rows = m == by ? main : top(combined.get(m), idx, keep);
      List<Long> chosen = new ArrayList<>();
      int overlap = 0;
      for (int r : rows) {
        chosen.add(idx[r]);
        overlap += mainIdx.contains(idx[r]) ? 1 : 0;
      }
      selections.put(m, new Choice(chosen, human == null ? OptionalDouble.empty()
          : OptionalDouble.of(mean(human, rows)), overlap));
    }
    return new Report(by, aspects.size(), kept.size(), invalid.size(), rule, selections,
        meanHumanAll);
  }

  /** One aspect: the score itself; several: the mean of the aspects' z-scores. */
  static double[] combine(List<ScoreColumns> columns, ScoreMethod m,
      List<SampleSets.Source> aspects) {
    if (columns.size() == 1) {
      return columns.get(0).scores(m);
    }
    double[] out = new double[columns.get(0).n()];
    for (int a = 0; a < columns.size(); a++) {
      double[] z = zScores(columns.get(a).scores(m));
      if (z == null) {
        throw new InvalidInputException(aspects.get(a).name() + ": every " + m.key()
            + " is the same; a constant score has no z-score to combine");
      }
      for (int i = 0; i < out.length; i++) {
        out[i] += z[i];
      }
    }
    for (int i = 0; i < out.length; i++) {
      out[i] /= columns.size();
    }
    return out;
  }

  /** {@code scipy.stats.zscore} (population sd); null when the values are all equal. */
  static double[] zScores(double[] v) {
    double mean = mean(v, allRows(v.length));
    double ss = 0;
    for (double d : v) {
      ss += (d - mean) * (d - mean);
    }
    double sd = Math.sqrt(ss / v.length);
    if (sd == 0) {
      return null;
    }
    double[] z = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      z[i] = (v[i] - mean) / sd;
    }
    return z;
  }

  /** The rows of the {@code keep} highest values, best first, ties by the smaller idx. */
  static int[] top(double[] values, long[] idx, int keep) {
    Integer[] rows = new Integer[values.length];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = i;
    }
    Arrays.sort(rows, (a, b) -> values[a] != values[b]
        ? Double.compare(values[b], values[a]) : Long.compare(idx[a], idx[b]));
    int[] out = new int[keep];
    for (int i = 0; i < keep; i++) {
      out[i] = rows[i];
    }
    return out;
  }

  private static int[] allRows(int n) {
    int[] rows = new int[n];
    for (int i = 0; i < n; i++) {
      rows[i] = i;
    }
    return rows;
  }

  private static double mean(double[] v, int[] rows) {
    double s = 0;
    for (int r : rows) {
      s += v[r];
    }
    return s / rows.length;
  }

  private static Object first(Set<Long> s) {
    return s.isEmpty() ? "(none)" : s.stream().sorted().findFirst().orElseThrow();
  }
}
