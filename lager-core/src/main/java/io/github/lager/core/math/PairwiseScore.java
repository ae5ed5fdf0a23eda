package io.github.lager.core.math;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One score of a pairwise judgment: on a pairwise label set ({@link LabelSet#isPairwise()}:
 * values 0 = A better, 1 = tie, 2 = B better) a score is a preference in [0, 2], and its
 * distribution gives P(A better), P(tie), P(B better).
 *
 * <p>With position swap the judge also sees the responses in the order (B, A); its labels are
 * mapped back (its "A better" is the original B, so {@code P(A) = P'(B)}, {@code P(B) = P'(A)},
 * and its score {@code s'} becomes {@code 2 - s'}). The pairwise score is the mean of the two
 * orders' scores, its probabilities the mean of theirs, and the orders are <em>swap-consistent</em>
 * when both give the same outcome.
 *
 * @param ab the probabilities of the order (A, B)
 * @param ba the probabilities of the swapped order, mapped back; empty without a swap
 * @param mean the mean of {@code ab} and {@code ba} ({@code ab} without a swap)
 * @param scoreAb the score of the order (A, B)
 * @param scoreBa the score of the swapped order, mapped back ({@code 2 - s'}); empty without a swap
 * @param score the mean of the two ({@code scoreAb} without a swap)
 * @param outcome the outcome of {@code score} ({@link Outcome#of})
 * @param swapConsistent whether the two orders give the same outcome; empty without a swap
 */
public record PairwiseScore(Probabilities ab, Optional<Probabilities> ba, Probabilities mean,
    double scoreAb, OptionalDouble scoreBa, double score, Outcome outcome,
    Optional<Boolean> swapConsistent) {
  /** What a pairwise judgment says, by its value. */
  public enum Outcome {
    A_BETTER("A", LabelSet.A_BETTER),
    TIE("tie", LabelSet.TIE),
    B_BETTER("B", LabelSet.B_BETTER);

    private final String key;
    private final double value;

    Outcome(String key, double value) {
      this.key = key;
      this.value = value;
    }

    /** {@code A}, {@code tie} or {@code B}. */
    public String key() {
      return key;
    }

    /** 0, 1 or 2. */
    public double value() {
      return value;
    }

    /**
     * The outcome nearest to a preference score in [0, 2]: below 0.5 A better, above 1.5 B
     * better, the tie otherwise (0.5 and 1.5 included: a score halfway between a side and the tie
     * is a tie). Two orders that disagree (A in one, B in the other) average to a tie.
     */
    public static Outcome of(double score) {
      if (!Double.isFinite(score)) {
        throw new IllegalArgumentException("a pairwise score must be finite, got " + score);
      }
      return score < 0.5 ? A_BETTER : score > 1.5 ? B_BETTER : TIE;
    }

    /** The outcome of a label value: exactly 0, 1 or 2; empty for any other value. */
    public static Optional<Outcome> ofValue(double value) {
      for (Outcome o : values()) {
        if (o.value == value) {
          return Optional.of(o);
        }
      }
      return Optional.empty();
    }
  }

  /** P(A better), P(tie), P(B better): the distribution over a pairwise label set by outcome. */
  public record Probabilities(double a, double tie, double b) {
    /** The probabilities of a distribution {@code p} over the labels of a pairwise set. */
    public static Probabilities of(double[] p, LabelSet labelSet) {
      checkPairwise(labelSet);
      return new Probabilities(p[labelSet.indexOfValue(LabelSet.A_BETTER)],
          p[labelSet.indexOfValue(LabelSet.TIE)], p[labelSet.indexOfValue(LabelSet.B_BETTER)]);
    }

    /** The same judgment with A and B exchanged: the swapped order's labels mapped back. */
    public Probabilities mappedBack() {
      return new Probabilities(b, tie, a);
    }

    Probabilities meanWith(Probabilities o) {
      return new Probabilities((a + o.a) / 2, (tie + o.tie) / 2, (b + o.b) / 2);
    }
  }

  public PairwiseScore {
    Objects.requireNonNull(ab, "ab");
    Objects.requireNonNull(ba, "ba");
    Objects.requireNonNull(mean, "mean");
    Objects.requireNonNull(scoreBa, "scoreBa");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(swapConsistent, "swapConsistent");
  }

  /** A judgment of the order (A, B) alone. */
  public static PairwiseScore of(double[] pAb, double scoreAb, LabelSet labelSet) {
    Probabilities ab = Probabilities.of(pAb, labelSet);
    return new PairwiseScore(ab, Optional.empty(), ab, scoreAb, OptionalDouble.empty(), scoreAb,
        Outcome.of(scoreAb), Optional.empty());
  }

  /**
   * A judgment in both orders.
   *
   * @param pBa the distribution of the swapped order over its own labels (not mapped back)
   * @param scoreBa the swapped order's own score (not mapped back)
   */
  public static PairwiseScore of(double[] pAb, double scoreAb, double[] pBa, double scoreBa,
      LabelSet labelSet) {
    Probabilities ab = Probabilities.of(pAb, labelSet);
    Probabilities ba = Probabilities.of(pBa, labelSet).mappedBack();
    double back = LabelSet.B_BETTER - scoreBa;
    double score = (scoreAb + back) / 2;
    return new PairwiseScore(ab, Optional.of(ba), ab.meanWith(ba), scoreAb,
        OptionalDouble.of(back), score, Outcome.of(score),
        Optional.of(Outcome.of(scoreAb) == Outcome.of(back)));
  }

  /** Fails unless {@code labelSet} is a pairwise label set. */
  public static void checkPairwise(LabelSet labelSet) {
    if (!labelSet.isPairwise()) {
      throw new IllegalArgumentException("the label set " + labelSet.describe()
          + " is not pairwise:"
          + " a pairwise judgment needs three labels with the values 0 (A better), 1 (tie) and"
          + " 2 (B better), e.g. --labels 0,1,2 or --labels A,B,C --values 0,2,1");
    }
  }
}
