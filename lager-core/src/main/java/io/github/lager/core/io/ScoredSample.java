package io.github.lager.core.io;

import io.github.lager.core.math.Distributions;
import io.github.lager.core.math.LayerLogits;
import io.github.lager.core.math.LayerWeights;
import io.github.lager.core.math.ScoreMethod;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One sample of a results file (docs/LAGER.md section 5): the stored scores and, for a valid
 * sample, the per-entry score logits. A sample is invalid when the judge emitted no score token;
 * the reference then stores {@code weighted_socre == -1} and evaluation skips it.
 *
 * @param idx the sample's id in its input file
 * @param prompt the judge prompt, when stored
 * @param humanScore the human score, when known
 * @param directScore {@code direct_socre}: the argmax value of the final entry, -1 when invalid
 * @param eScore {@code weighted_socre}: the expectation of the final entry, -1 when invalid (the
 *     reference computes it in bf16; evaluation uses the stored value, as the reference does)
 * @param weightedDirectScore {@code weighted_direct_socre}: the mean over entries of the argmax
 *     value, -1 when invalid
 * @param logits per-entry score logits; empty exactly when the sample is invalid
 * @param generatedIds the judge's generated token ids, when stored (lager writes them)
 * @param scoreStep index in {@code generatedIds} of the score token, when stored
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
    Optional<Integer> scoreStep) {
  /** The value the reference stores in every score field of an invalid sample. */
  public static final double INVALID = -1;

  public ScoredSample {
    Objects.requireNonNull(prompt, "prompt");
    Objects.requireNonNull(humanScore, "humanScore");
    Objects.requireNonNull(logits, "logits");
    Objects.requireNonNull(generatedIds, "generatedIds");
    Objects.requireNonNull(scoreStep, "scoreStep");
    if (logits.isEmpty() != (eScore == INVALID)) {
      throw new IllegalArgumentException("sample " + idx + ": "
          + (logits.isEmpty() ? "a sample without logits must be stored as invalid (-1)"
              : "an invalid sample (weighted_socre -1) cannot carry logits"));
    }
    generatedIds = generatedIds.map(int[]::clone);
  }

  /**
   * A valid sample scored by lager: direct, E-score and the mean per-entry direct score are
   * computed from {@code logits} in double precision.
   */
  public static ScoredSample fromLogits(long idx, String prompt, HumanScore humanScore,
      LayerLogits logits, int[] generatedIds, Integer scoreStep) {
    Objects.requireNonNull(logits, "logits");
    int last = logits.entries() - 1;
    double[] p = Distributions.softmax(logits.rowAsDouble(last));
    double meanDirect = 0;
    for (int l = 0; l <= last; l++) {
      meanDirect += Distributions.argmax(logits.rowAsDouble(l)) + 1;
    }
    meanDirect /= logits.entries();
    return new ScoredSample(idx, Optional.ofNullable(prompt), Optional.ofNullable(humanScore),
        Distributions.argmax(p) + 1, Distributions.expectation(p), meanDirect, Optional.of(logits),
        Optional.ofNullable(generatedIds), Optional.ofNullable(scoreStep));
  }

  /** A sample whose judge output held no score token. */
  public static ScoredSample invalid(long idx, String prompt, HumanScore humanScore,
      int[] generatedIds) {
    return new ScoredSample(idx, Optional.ofNullable(prompt), Optional.ofNullable(humanScore),
        INVALID, INVALID, INVALID, Optional.empty(), Optional.ofNullable(generatedIds),
        Optional.empty());
  }

  public boolean isValid() {
    return logits.isPresent();
  }

  /**
   * This sample's {@code method} score as the reference's evaluation takes it:
   * {@link ScoreMethod#DIRECT_SCORE} and {@link ScoreMethod#E_SCORE} are the stored values
   * ({@code direct_socre}, {@code weighted_socre}); every other score is computed from the logits.
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
      default -> method.score(logits.get(), weights);
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

  @Override
  public Optional<int[]> generatedIds() {
    return generatedIds.map(int[]::clone);
  }
}
