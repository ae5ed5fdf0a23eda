package io.github.lager.core.io;

import io.github.lager.core.math.Distributions;
import io.github.lager.core.math.LabelSet;
import io.github.lager.core.math.LayerLogits;
import io.github.lager.core.math.LayerWeights;
import io.github.lager.core.math.PairwiseScore;
import io.github.lager.core.math.ScoreMethod;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One sample of a results file (docs/method.md section 5): the stored scores and, for a valid
 * sample, the per-entry score logits and the label set they are over. A sample is invalid when
 * the judge emitted no score token; the reference then stores {@code weighted_socre == -1} and
 * evaluation skips it.
 *
 * <p>A pairwise sample judged in both orders ({@code --pairwise}) is the judgment of the order
 * (A, B) with the judgment of the swapped order (B, A) in {@link #swapped()}; {@link
 * #pairwiseScores} maps the swapped labels back and averages ({@link PairwiseScore}).
 *
 * @param idx the sample's id in its input file
 * @param prompt the judge prompt, when stored
 * @param humanScore the human score, when known
 * @param directScore {@code direct_socre}: the value of the final entry's most likely label, -1
 *     when invalid
 * @param eScore {@code weighted_socre}: the expectation of the final entry over the labels'
 *     values, -1 when invalid (the reference computes it in bf16; evaluation uses the stored value,
 *     as the reference does)
 * @param weightedDirectScore {@code weighted_direct_socre}: the mean over entries of the most
 *     likely label's value, -1 when invalid
 * @param logits per-entry score logits; empty exactly when the sample is invalid
 * @param generatedIds the judge's generated token ids, when stored (lager writes them)
 * @param scoreStep index in {@code generatedIds} of the score token, when stored
 * @param labelSet the label set the logits are over: present for every valid sample (a results file
 *     without {@code score_labels}, such as the reference's, is on the labels "1".."K"); without
 *     token ids
 * @param swapped the judgment of the swapped order, for a sample judged in both orders
 * @param finalLabelMass the probability mass the final layer put on the labels at the score step
 *     (the sum over labels of the full-vocabulary softmax of the final entry's logits): a validity
 *     signal, present only for a sample just scored by a backend that reports the final layer's
 *     log-sum-exp (never stored in a results file)
 */
public record ScoredSample(
    long idx,
    Optional<String> prompt,
    Optional<HumanScore> humanScore,
    double directScore,
    double eScore,
    double weightedDirectScore,
    Optional<LayerLogits> logits,
    Optional<int[]> generatedIds,
    Optional<Integer> scoreStep,
    Optional<LabelSet> labelSet,
    Optional<ScoredSample> swapped,
    OptionalDouble finalLabelMass) {
  /** The value the reference stores in every score field of an invalid sample. */
  public static final double INVALID = -1;

  public ScoredSample {
    Objects.requireNonNull(prompt, "prompt");
    Objects.requireNonNull(humanScore, "humanScore");
    Objects.requireNonNull(logits, "logits");
    Objects.requireNonNull(generatedIds, "generatedIds");
    Objects.requireNonNull(scoreStep, "scoreStep");
    Objects.requireNonNull(labelSet, "labelSet");
    Objects.requireNonNull(swapped, "swapped");
    Objects.requireNonNull(finalLabelMass, "finalLabelMass");
    if (finalLabelMass.isPresent() && (logits.isEmpty() || !(finalLabelMass.getAsDouble() >= 0))) {
      throw new IllegalArgumentException("sample " + idx + ": a final-layer label mass ("
          + finalLabelMass.getAsDouble() + ") needs score logits and must be >= 0");
    }
    if (logits.isEmpty() != (eScore == INVALID)) {
      throw new IllegalArgumentException("sample " + idx + ": "
          + (logits.isEmpty() ? "a sample without logits must be stored as invalid (-1)"
              : "an invalid sample (weighted_socre -1) cannot carry logits"));
    }
    if (logits.isPresent() && labelSet.isEmpty()) {
      labelSet = Optional.of(LabelSet.of(logits.get().points()));
    }
    if (logits.isPresent() && labelSet.get().size() != logits.get().points()) {
      throw new IllegalArgumentException("sample " + idx + ": " + logits.get().points()
          + " score logits per entry but " + labelSet.get().size() + " labels ("
          + labelSet.get().describe() + ")");
    }
    if (swapped.isPresent()) {
      ScoredSample b = swapped.get();
      if (b.idx != idx || b.swapped.isPresent()) {
        throw new IllegalArgumentException("sample " + idx + ": its swapped judgment must have"
            + " the same idx and no swapped judgment of its own");
      }
      if (labelSet.isPresent() && b.labelSet.isPresent()
          && !labelSet.get().sameLabels(b.labelSet.get())) {
        throw new IllegalArgumentException("sample " + idx + ": the swapped judgment is on the"
            + " labels " + b.labelSet.get().describe() + ", the first on "
            + labelSet.get().describe());
      }
    }
    generatedIds = generatedIds.map(int[]::clone);
  }

  /** A sample without a final-layer label mass (as every results file stores it). */
  public ScoredSample(long idx, Optional<String> prompt, Optional<HumanScore> humanScore,
      double directScore, double eScore, double weightedDirectScore, Optional<LayerLogits> logits,
      Optional<int[]> generatedIds, Optional<Integer> scoreStep, Optional<LabelSet> labelSet,
      Optional<ScoredSample> swapped) {
    this(idx, prompt, humanScore, directScore, eScore, weightedDirectScore, logits, generatedIds,
        scoreStep, labelSet, swapped, OptionalDouble.empty());
  }

  /**
   * A sample as the reference stores it: the label set is "1".."K" (from the logits) and there is
   * no swapped judgment.
   */
  public ScoredSample(long idx, Optional<String> prompt, Optional<HumanScore> humanScore,
      double directScore, double eScore, double weightedDirectScore, Optional<LayerLogits> logits,
      Optional<int[]> generatedIds, Optional<Integer> scoreStep) {
    this(idx, prompt, humanScore, directScore, eScore, weightedDirectScore, logits, generatedIds,
        scoreStep, Optional.empty(), Optional.empty());
  }

  /**
   * A valid sample scored by lager on the paper's labels "1".."K" ({@code K = logits.points()}).
   */
  public static ScoredSample fromLogits(long idx, String prompt, HumanScore humanScore,
      LayerLogits logits, int[] generatedIds, Integer scoreStep) {
    Objects.requireNonNull(logits, "logits");
    return fromLogits(idx, prompt, humanScore, logits, generatedIds, scoreStep,
        LabelSet.of(logits.points()));
  }

  /**
   * A valid sample scored by lager: direct, E-score and the mean per-entry direct score are
   * computed from {@code logits} over the values of {@code labelSet}, in double precision.
   */
  public static ScoredSample fromLogits(long idx, String prompt, HumanScore humanScore,
      LayerLogits logits, int[] generatedIds, Integer scoreStep, LabelSet labelSet) {
    Objects.requireNonNull(logits, "logits");
    Objects.requireNonNull(labelSet, "labelSet");
    int last = logits.entries() - 1;
    double[] p = Distributions.softmax(logits.rowAsDouble(last));
    double meanDirect = 0;
    for (int l = 0; l <= last; l++) {
      meanDirect += labelSet.argmaxValue(logits.rowAsDouble(l));
    }
    meanDirect /= logits.entries();
    return new ScoredSample(idx, Optional.ofNullable(prompt), Optional.ofNullable(humanScore),
        labelSet.argmaxValue(p), labelSet.expectation(p), meanDirect, Optional.of(logits),
        Optional.ofNullable(generatedIds), Optional.ofNullable(scoreStep), Optional.of(labelSet),
        Optional.empty());
  }

  /** A sample whose judge output held no score token (its label set not recorded). */
  public static ScoredSample invalid(long idx, String prompt, HumanScore humanScore,
      int[] generatedIds) {
    return new ScoredSample(idx, Optional.ofNullable(prompt), Optional.ofNullable(humanScore),
        INVALID, INVALID, INVALID, Optional.empty(), Optional.ofNullable(generatedIds),
        Optional.empty(), Optional.empty(), Optional.empty());
  }

  /** A sample whose judge output held no label token of {@code labelSet}. */
  public static ScoredSample invalid(long idx, String prompt, HumanScore humanScore,
      int[] generatedIds, LabelSet labelSet) {
    return new ScoredSample(idx, Optional.ofNullable(prompt), Optional.ofNullable(humanScore),
        INVALID, INVALID, INVALID, Optional.empty(), Optional.ofNullable(generatedIds),
        Optional.empty(), Optional.of(labelSet), Optional.empty());
  }

  /** The same sample with {@code b} as the judgment of the swapped order. */
  public ScoredSample withSwapped(ScoredSample b) {
    Objects.requireNonNull(b, "b");
    return new ScoredSample(idx, prompt, humanScore, directScore, eScore, weightedDirectScore,
        logits, generatedIds, scoreStep, labelSet, Optional.of(b), finalLabelMass);
  }

  /**
   * The same sample with the final layer's log-sum-exp over the whole vocabulary at the score step
   * ({@code ScorePositionOutput.Found#finalLogSumExp}): its final-layer label mass is {@code
   * sum_k exp(z_L[k] - finalLogSumExp)} over the final entry's label logits. NaN (unknown) or an
   * invalid sample leaves the mass absent.
   */
  public ScoredSample withFinalLogSumExp(double finalLogSumExp) {
    if (Double.isNaN(finalLogSumExp) || logits.isEmpty()) {
      return this;
    }
    LayerLogits z = logits.get();
    double mass = 0;
    for (double v : z.rowAsDouble(z.entries() - 1)) {
      mass += Math.exp(v - finalLogSumExp);
    }
    return new ScoredSample(idx, prompt, humanScore, directScore, eScore, weightedDirectScore,
        logits, generatedIds, scoreStep, labelSet, swapped, OptionalDouble.of(mass));
  }

  /** Whether the judge emitted a score token (in the order (A, B) for a pairwise sample). */
  public boolean isValid() {
    return logits.isPresent();
  }

  /** Whether both orders were judged and both have a score token (a pairwise answer exists). */
  public boolean isValidInBothOrders() {
    return isValid() && swapped.isPresent() && swapped.get().isValid();
  }

  /** The label set of a valid sample. */
  public LabelSet requireLabelSet() {
    return labelSet.orElseThrow(() -> new IllegalStateException("sample " + idx
        + " is invalid (no score token) and records no label set"));
  }

  /**
   * This sample's {@code method} score as the reference's evaluation takes it:
   * {@link ScoreMethod#DIRECT_SCORE} and {@link ScoreMethod#E_SCORE} are the stored values
   * ({@code direct_socre}, {@code weighted_socre}); every other score is computed from the logits
   * over the values of the sample's label set.
   *
   * @param weights tuned layer weights; required for a tuned method, ignored otherwise
   */
  public double score(ScoreMethod method, LayerWeights weights) {
    if (!isValid()) {
      throw new IllegalStateException("sample " + idx + " is invalid (no score token): it has no "
          + method.key());
    }
    return switch (method) {
      case DIRECT_SCORE -> directScore;
      case E_SCORE -> eScore;
      default -> method.score(logits.get(), weights, labelSet.get());
    };
  }

  /**
   * Every score of this sample, in the order of {@link ScoreMethod}: the tuned ones only when
   * {@code weights} are given; empty for an invalid sample. Outputs list scores from here, so a
   * new {@link ScoreMethod} reaches every one of them.
   */
  public Map<ScoreMethod, Double> scores(LayerWeights weights) {
    Map<ScoreMethod, Double> out = new EnumMap<>(ScoreMethod.class);
    if (isValid()) {
      for (ScoreMethod m : ScoreMethod.values()) {
        if (!m.isTuned() || weights != null) {
          out.put(m, score(m, weights));
        }
      }
    }
    return out;
  }

  /**
   * The scores a results file carries beside the reference's own fields ({@code direct_socre},
   * {@code weighted_socre}): every other score of {@link #scores}, by its {@link ScoreMethod#key}.
   */
  public Map<String, Double> resultColumns(LayerWeights weights) {
    Map<String, Double> out = new LinkedHashMap<>();
    scores(weights).forEach((m, v) -> {
      if (m != ScoreMethod.DIRECT_SCORE && m != ScoreMethod.E_SCORE) {
        out.put(m.key(), v);
      }
    });
    return out;
  }

  /**
   * Every score of a pairwise sample read as a pairwise judgment ({@link PairwiseScore}): the
   * probabilities of A better, a tie and B better, and the score, in each order and averaged, with
   * the swap consistency when both orders were judged. The same scores as {@link #scores}; empty
   * for a sample without a score token (in either order, when swapped).
   *
   * @param weights tuned layer weights; the tuned scores are included only with them
   */
  public Map<ScoreMethod, PairwiseScore> pairwiseScores(LayerWeights weights) {
    Map<ScoreMethod, PairwiseScore> out = new EnumMap<>(ScoreMethod.class);
    if (!isValid() || (swapped.isPresent() && !swapped.get().isValid())) {
      return out;
    }
    LabelSet labelSet = requireLabelSet();
    PairwiseScore.checkPairwise(labelSet);
    for (ScoreMethod m : ScoreMethod.values()) {
      if (m.isTuned() && weights == null) {
        continue;
      }
      double[] pAb = m.distribution(logits.get(), weights);
      if (swapped.isEmpty()) {
        out.put(m, PairwiseScore.of(pAb, score(m, weights), labelSet));
      } else {
        ScoredSample b = swapped.get();
        out.put(m, PairwiseScore.of(pAb, score(m, weights),
            m.distribution(b.logits.get(), weights), b.score(m, weights), labelSet));
      }
    }
    return out;
  }

  @Override
  public Optional<int[]> generatedIds() {
    return generatedIds.map(int[]::clone);
  }
}
