package io.github.lager.eval;

import io.github.lager.core.InvalidInputException;
import io.github.lager.core.io.HumanScore;
import io.github.lager.core.io.ScoredSample;
import io.github.lager.core.math.LabelSet;
import io.github.lager.core.math.LayerLogits;
import io.github.lager.core.math.LayerWeights;
import io.github.lager.core.math.ScoreMethod;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The valid samples of an evaluation as columns: each requested score of each sample, the mean
 * human score when every sample has one, and the annotators' scores when every sample has the
 * same number of them. Every statistic of {@code eval} reads its numbers from here; a score is
 * computed one way only ({@link ScoredSample#score}).
 *
 * <p>Invalid samples (no score token) are left out and counted; samples of one evaluation must
 * have the same number of hidden-state entries and the same label set (one model, one scale).
 * Tuned scores need weights tuned on that label set unless their reuse was allowed (checked by the
 * caller with {@link LayerWeights#checkLabels}).
 */
public final class ScoreColumns {
  private final List<ScoredSample> samples;
  private final int skippedInvalid;
  private final int entries;
  private final LabelSet labelSet;
  private final Map<ScoreMethod, double[]> scores;
  private final double[] human;

  private ScoreColumns(List<ScoredSample> samples, int skippedInvalid, int entries,
      LabelSet labelSet, Map<ScoreMethod, double[]> scores, double[] human) {
    this.samples = List.copyOf(samples);
    this.skippedInvalid = skippedInvalid;
    this.entries = entries;
    this.labelSet = labelSet;
    this.scores = scores;
    this.human = human;
  }

  /**
   * @param weights tuned layer weights; required when a requested method is tuned
   * @param weightsSource where the weights came from, for messages
   */
  public static ScoreColumns of(List<ScoredSample> samples, List<ScoreMethod> methods,
      LayerWeights weights, String weightsSource) {
    return of(samples, methods, weights, weightsSource, false);
  }

  /**
   * @param weights tuned layer weights; required when a requested method is tuned
   * @param weightsSource where the weights came from, for messages
   * @param reuseWeights allow weights tuned on another label set ({@link
   *     LayerWeights#checkLabels})
   */
  public static ScoreColumns of(List<ScoredSample> samples, List<ScoreMethod> methods,
      LayerWeights weights, String weightsSource, boolean reuseWeights) {
    Objects.requireNonNull(samples, "samples");
    Objects.requireNonNull(methods, "methods");
    if (samples.isEmpty()) {
      throw new InvalidInputException("nothing to evaluate: no samples");
    }
    List<ScoredSample> valid = samples.stream().filter(ScoredSample::isValid).toList();
    if (valid.size() < 2) {
      throw new InvalidInputException("nothing to evaluate: " + valid.size() + " valid of "
          + samples.size() + " samples (correlation needs at least 2)");
    }
    LayerLogits first = valid.get(0).logits().orElseThrow();
    LabelSet labels = valid.get(0).requireLabelSet();
    for (ScoredSample s : valid) {
      LayerLogits z = s.logits().orElseThrow();
      if (z.entries() != first.entries() || z.points() != first.points()) {
        throw new InvalidInputException(String.format(
            "idx %d has %d entries x %d score logits but idx %d has %d x %d: samples of one"
                + " evaluation must come from one model and one label set",
            s.idx(), z.entries(), z.points(), valid.get(0).idx(), first.entries(),
            first.points()));
      }
      if (!s.requireLabelSet().sameLabels(labels)) {
        throw new InvalidInputException("idx " + s.idx() + " is on the labels "
            + s.requireLabelSet().describe() + " but idx " + valid.get(0).idx() + " on "
            + labels.describe() + ": samples of one evaluation must share one label set");
      }
    }
    if (methods.stream().anyMatch(ScoreMethod::isTuned)) {
      if (weights == null) {
        throw new IllegalArgumentException("tuned scores were requested without layer weights");
      }
      weights.checkCompatible(first.entries(), weightsSource);
      try {
        weights.checkLabels(labels, reuseWeights, "the layer weights of " + weightsSource,
            "--reuse-weights");
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException(e.getMessage(), e);
      }
    }
    Map<ScoreMethod, double[]> scores = new LinkedHashMap<>();
    for (ScoreMethod m : methods) {
      scores.put(m, valid.stream().mapToDouble(s -> s.score(m, weights)).toArray());
    }
    double[] human = valid.stream().allMatch(s -> s.humanScore().isPresent())
        ? valid.stream().mapToDouble(s -> s.humanScore().orElseThrow().mean()).toArray() : null;
    return new ScoreColumns(valid, samples.size() - valid.size(), first.entries(), labels,
        scores, human);
  }

  /**
   * A table whose score columns are given rather than computed (scores from elsewhere; tests):
   * {@code samples} must all be valid and each column must have one value per sample.
   */
  static ScoreColumns withScores(List<ScoredSample> samples, Map<ScoreMethod, double[]> scores) {
    ScoreColumns base = of(samples, List.of(), null, null);
    Map<ScoreMethod, double[]> copy = new LinkedHashMap<>();
    scores.forEach((m, v) -> {
      if (v.length != base.n()) {
        throw new IllegalArgumentException(m.key() + " has " + v.length + " values for "
            + base.n() + " samples");
      }
      copy.put(m, v.clone());
    });
    return new ScoreColumns(base.samples, base.skippedInvalid, base.entries, base.labelSet, copy,
        base.human);
  }

  /** The rows {@code rows} (indices into this table) as a table of their own. */
  public ScoreColumns subset(int[] rows) {
    List<ScoredSample> sub = new ArrayList<>();
    for (int r : rows) {
      sub.add(samples.get(r));
    }
    Map<ScoreMethod, double[]> subScores = new LinkedHashMap<>();
    scores.forEach((m, v) -> subScores.put(m, pick(v, rows)));
    return new ScoreColumns(sub, 0, entries, labelSet, subScores,
        human == null ? null : pick(human, rows));
  }

  static double[] pick(double[] values, int[] rows) {
    double[] out = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      out[i] = values[rows[i]];
    }
    return out;
  }

  /** Valid samples. */
  public int n() {
    return samples.size();
  }

  /** The valid samples, in input order (row {@code i} of every column is sample {@code i}). */
  public List<ScoredSample> samples() {
    return samples;
  }

  public long[] idx() {
    return samples.stream().mapToLong(ScoredSample::idx).toArray();
  }

  /** Samples left out because the judge emitted no score token. */
  public int skippedInvalid() {
    return skippedInvalid;
  }

  /** Hidden-state entries per sample ({@code L+1}). */
  public int entries() {
    return entries;
  }

  /** The number of labels K. */
  public int points() {
    return labelSet.size();
  }

  /** The label set every sample is on. */
  public LabelSet labelSet() {
    return labelSet;
  }

  /** The computed scores, in the requested order. */
  public List<ScoreMethod> methods() {
    return List.copyOf(scores.keySet());
  }

  public boolean has(ScoreMethod method) {
    return scores.containsKey(method);
  }

  /** Each sample's {@code method} score; fails when it was not computed. */
  public double[] scores(ScoreMethod method) {
    double[] v = scores.get(method);
    if (v == null) {
      throw new IllegalArgumentException("score " + method.key() + " was not computed; computed: "
          + scores.keySet().stream().map(ScoreMethod::key).toList());
    }
    return v.clone();
  }

  /** Whether every valid sample has a human score. */
  public boolean hasHumanScores() {
    return human != null;
  }

  /** Each sample's human score (the mean of its annotators); fails naming a sample without. */
  public double[] human() {
    if (human == null) {
      ScoredSample missing = samples.stream().filter(s -> s.humanScore().isEmpty()).findFirst()
          .orElseThrow();
      throw new InvalidInputException("idx " + missing.idx() + " has no human_score; evaluation"
          + " needs one for every valid sample");
    }
    return human.clone();
  }

  /**
   * The annotators' scores, {@code [sample][annotator]}, when every sample's human score is a
   * list of the same length of at least 2; empty otherwise (see {@link #describeAnnotators}).
   */
  public Optional<double[][]> annotators() {
    if (human == null) {
      return Optional.empty();
    }
    int count = samples.get(0).humanScore().orElseThrow().values().length;
    double[][] out = new double[n()][];
    for (int i = 0; i < out.length; i++) {
      HumanScore h = samples.get(i).humanScore().orElseThrow();
      if (!h.isList() || h.values().length != count || count < 2) {
        return Optional.empty();
      }
      out[i] = h.values();
    }
    return Optional.of(out);
  }

  /** Whether every sample's human score is a list (annotators), whatever their number. */
  public boolean hasAnnotatorLists() {
    return human != null && samples.stream().allMatch(s -> s.humanScore().orElseThrow().isList());
  }

  /** How the human scores are given, for messages: "3 annotators per sample", ... */
  public String describeAnnotators() {
    if (human == null) {
      return "not every sample has a human score";
    }
    int min = Integer.MAX_VALUE;
    int max = 0;
    boolean lists = true;
    for (ScoredSample s : samples) {
      HumanScore h = s.humanScore().orElseThrow();
      lists &= h.isList();
      min = Math.min(min, h.values().length);
      max = Math.max(max, h.values().length);
    }
    if (!lists) {
      return "single human scores";
    }
    return min == max ? min + " annotator" + (min == 1 ? "" : "s") + " per sample"
        : min + " to " + max + " annotators per sample";
  }
}
