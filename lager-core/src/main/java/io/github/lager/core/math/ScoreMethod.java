package io.github.lager.core.math;

import java.util.List;
import java.util.Objects;

/**
 * Every score of the LAGER paper (Lai et al., NeurIPS 2025, Table 1 and the ablations of Table 2),
 * named as the published evaluation names them. Each is a {@link LayerAggregation}, untuned or
 * tuned, read out as the expectation {@code sum_k v_k p_k} or as the argmax label's value, with
 * the values {@code v_k} of the judge's label set ({@link LabelSet}; 1..K on the paper's scales).
 *
 * <p>{@link #DIRECT_SCORE} (VScore) and {@link #E_SCORE} (G-Eval's probability-weighted score) are
 * the baselines; {@link #LAGER_WO} and {@link #LAGER_W} are LAGER without and with tuned weights.
 */
public enum ScoreMethod {
  DIRECT_SCORE("direct_score", LayerAggregation.LAST_ENTRY, false, Readout.ARGMAX),
  E_SCORE("e_score", LayerAggregation.LAST_ENTRY, false, Readout.EXPECTATION),
  LAGER_WO("lager_wo", LayerAggregation.LOGITS, false, Readout.EXPECTATION),
  LAGER_W("lager_w", LayerAggregation.LOGITS, true, Readout.EXPECTATION),
  LOGITS_AGG_MAX_SCORE("logits_agg_max_score", LayerAggregation.LOGITS, false, Readout.ARGMAX),
  LOGITS_AGG_WEIGHTED_MAX_SCORE(
      "logits_agg_weighted_max_score", LayerAggregation.LOGITS, true, Readout.ARGMAX),
  PROB_AGG_E_SCORE("prob_agg_e_score", LayerAggregation.PROBABILITIES, false, Readout.EXPECTATION),
  PROB_AGG_MAX_SCORE("prob_agg_max_score", LayerAggregation.PROBABILITIES, false, Readout.ARGMAX),
  PROB_WEIGHTED_AGG_E_SCORE(
      "prob_weighted_agg_e_score", LayerAggregation.PROBABILITIES, true, Readout.EXPECTATION),
  PROB_WEIGHTED_AGG_MAX_SCORE(
      "prob_weighted_agg_max_score", LayerAggregation.PROBABILITIES, true, Readout.ARGMAX);

  /** How a distribution becomes a score. */
  public enum Readout {
    /** {@code sum_k v_k p_k}. */
    EXPECTATION,
    /** {@code v_argmax_k p_k}: the value of the most likely label. */
    ARGMAX;

    /** The score of the distribution {@code p} over the labels of {@code labelSet}. */
    public double read(double[] p, LabelSet labelSet) {
      return this == EXPECTATION ? labelSet.expectation(p) : labelSet.argmaxValue(p);
    }
  }

  /** The main table of the reference evaluation, in its order. */
  public static final List<ScoreMethod> MAIN = List.of(DIRECT_SCORE, E_SCORE, LAGER_WO, LAGER_W);

  /** The reference's ablation list, in its order. */
  public static final List<ScoreMethod> ABLATION = List.of(
      LAGER_W, PROB_WEIGHTED_AGG_E_SCORE, LOGITS_AGG_WEIGHTED_MAX_SCORE,
      PROB_WEIGHTED_AGG_MAX_SCORE, LAGER_WO, PROB_AGG_E_SCORE, LOGITS_AGG_MAX_SCORE,
      PROB_AGG_MAX_SCORE, E_SCORE, DIRECT_SCORE);

  private final String key;
  private final LayerAggregation aggregation;
  private final boolean tuned;
  private final Readout readout;

  ScoreMethod(String key, LayerAggregation aggregation, boolean tuned, Readout readout) {
    this.key = key;
    this.aggregation = aggregation;
    this.tuned = tuned;
    this.readout = readout;
  }

  /** The name the reference's evaluation uses for this score. */
  public String key() {
    return key;
  }

  /** Whether this score needs tuned {@link LayerWeights}. */
  public boolean isTuned() {
    return tuned;
  }

  public Readout readout() {
    return readout;
  }

  /**
   * The score of one sample on the paper's scale 1..K (the labels "1".."K" valued 1..K, {@code K =
   * z.points()}); for another label set use {@link #score(LayerLogits, LayerWeights, LabelSet)}.
   *
   * @param weights tuned weights; required when {@link #isTuned()}, ignored otherwise
   */
  public double score(LayerLogits z, LayerWeights weights) {
    Objects.requireNonNull(z, "z");
    return score(z, weights, LabelSet.of(z.points()));
  }

  /**
   * The score of one sample on the label set {@code labelSet}: the expectation of the labels'
   * values, or the value of the most likely label.
   *
   * @param weights tuned weights; required when {@link #isTuned()}, ignored otherwise
   */
  public double score(LayerLogits z, LayerWeights weights, LabelSet labelSet) {
    return readout.read(distribution(z, weights), checkScale(z, labelSet));
  }

  /**
   * The distribution over the labels that this score reads out: its aggregation of {@code z}, with
   * {@code weights} when tuned.
   */
  public double[] distribution(LayerLogits z, LayerWeights weights) {
    Objects.requireNonNull(z, "z");
    if (tuned && weights == null) {
      throw new IllegalArgumentException(key + " needs tuned layer weights");
    }
    return aggregation.distribution(z, tuned ? weights : null);
  }

  private static LabelSet checkScale(LayerLogits z, LabelSet labelSet) {
    Objects.requireNonNull(labelSet, "labelSet");
    if (labelSet.size() != z.points()) {
      throw new IllegalArgumentException("logits of " + z.points() + " labels read on the label"
          + " set " + labelSet.describe() + " of " + labelSet.size());
    }
    return labelSet;
  }

  /** The method with the reference name {@code key}. */
  public static ScoreMethod byKey(String key) {
    for (ScoreMethod m : values()) {
      if (m.key.equals(key)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown score '" + key + "'");
  }
}
