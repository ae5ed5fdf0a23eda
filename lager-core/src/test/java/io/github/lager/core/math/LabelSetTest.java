package io.github.lager.core.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Label sets: every score read over the labels' values, and the checks on them. */
class LabelSetTest {
  @Test
  void everyScoreReadsTheLabelsValues() {
    // two entries over three labels; the final entry favours the middle label
    LayerLogits z = LayerLogits.of(new float[][] {{3, 0, 0}, {0, 2, 1}});
    LabelSet oneToThree = LabelSet.of(3);
    LabelSet letters = LabelSetSyntax.parse("C,B,A", "10,20,40");
    double[] last = Distributions.softmax(new double[] {0, 2, 1});
    double expected = 10 * last[0] + 20 * last[1] + 40 * last[2];
    assertThat(ScoreMethod.E_SCORE.score(z, null, letters)).isCloseTo(expected, within(1e-12));
    assertThat(ScoreMethod.DIRECT_SCORE.score(z, null, letters)).isEqualTo(20);
    assertThat(ScoreMethod.DIRECT_SCORE.score(z, null, oneToThree)).isEqualTo(2);
    // LAGER w/o aggregates entry 0 only (the final entry is not aggregated): label "C"
    assertThat(ScoreMethod.LOGITS_AGG_MAX_SCORE.score(z, null, letters)).isEqualTo(10);
    double[] agg = Distributions.softmax(new double[] {3, 0, 0});
    assertThat(ScoreMethod.LAGER_WO.score(z, null, letters))
        .isCloseTo(10 * agg[0] + 20 * agg[1] + 40 * agg[2], within(1e-12));
    // the two-argument form is the paper's scale 1..K
    assertThat(ScoreMethod.E_SCORE.score(z, null))
        .isEqualTo(ScoreMethod.E_SCORE.score(z, null, oneToThree));
    assertThatThrownBy(() -> ScoreMethod.E_SCORE.score(z, null, LabelSet.of(5)))
        .hasMessageContaining("logits of 3 labels read on the label set 1-5 of 5");
  }

  @Test
  void weightsAreCheckedAgainstTheLabelSetTheyWereTunedOn() {
    WeightsProvenance tunedOn15 = new WeightsProvenance("reference", java.util.Map.of(), 42, 3,
        "valid.json", "x", 10, "dev", Optional.of(LabelSet.of(5)));
    LayerWeights w = new LayerWeights(new double[] {0.5, 0.5}, Optional.of(tunedOn15));
    w.checkLabels(LabelSet.of(5), false, "w", "--reuse-weights");
    assertThatThrownBy(() -> w.checkLabels(LabelSet.of(9), false, "layer weights from w.json",
        "--reuse-weights")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("layer weights from w.json were tuned on the labels 1-5 (of valid.json), these"
            + " samples are on 1-9; tune weights on this label set, or pass --reuse-weights to"
            + " reuse them (weights are per layer, so they apply to any label set; the paper"
            + " reuses 1-5 weights on 1-9)");
    w.checkLabels(LabelSet.of(9), true, "w", "--reuse-weights"); // the paper's reuse
    // files written before label sets were recorded: tuned on some 1..K
    LayerWeights old = new LayerWeights(new double[] {0.5, 0.5}, Optional.of(
        new WeightsProvenance("reference", java.util.Map.of(), 42, 3, "v", "x", 10, "dev",
            Optional.empty())));
    old.checkLabels(LabelSet.of(7), false, "w", "--reuse-weights");
    assertThatThrownBy(
        () -> old.checkLabels(LabelSetSyntax.parse("0,1,2", null), false, "w", "--r"))
        .hasMessageStartingWith("w were tuned on the labels 1-K (not recorded)");
    // hand-made weights carry no provenance: nothing to check
    new LayerWeights(new double[] {1}).checkLabels(LabelSetSyntax.parse("A,B", "0,1"), false, "w",
        "--r");
  }

  @Test
  void pairwiseScoresMapTheSwappedOrderBack() {
    LabelSet mtBench = LabelSetSyntax.parse("A,B,C", "0,2,1");
    // (A, B): P(label A) = 0.6, P(B) = 0.1, P(C = tie) = 0.3; score = 0*0.6 + 2*0.1 + 1*0.3
    double[] pAb = {0.6, 0.1, 0.3};
    // (B, A): the judge prefers its A, which is the original B
    double[] pBa = {0.7, 0.2, 0.1};
    PairwiseScore s = PairwiseScore.of(pAb, 0.2, pBa, 0.3, mtBench);
    assertThat(s.ab()).isEqualTo(new PairwiseScore.Probabilities(0.6, 0.3, 0.1));
    assertThat(s.ba()).contains(new PairwiseScore.Probabilities(0.2, 0.1, 0.7));
    assertThat(s.mean().a()).isCloseTo(0.4, within(1e-15));
    assertThat(s.scoreBa().getAsDouble()).isCloseTo(1.7, within(1e-15));
    assertThat(s.score()).isCloseTo(0.95, within(1e-15));
    // A in one order, B in the other: inconsistent, and their mean is a tie
    assertThat(s.outcome()).isEqualTo(PairwiseScore.Outcome.TIE);
    assertThat(s.swapConsistent()).contains(false);
    PairwiseScore same = PairwiseScore.of(pAb, 0.2, pBa, 1.9, mtBench);
    assertThat(same.outcome()).isEqualTo(PairwiseScore.Outcome.A_BETTER);
    assertThat(same.swapConsistent()).contains(true);
    assertThat(PairwiseScore.Outcome.of(0.5)).isEqualTo(PairwiseScore.Outcome.TIE);
    assertThat(PairwiseScore.Outcome.of(1.5)).isEqualTo(PairwiseScore.Outcome.TIE);
    assertThat(PairwiseScore.Outcome.of(Math.nextDown(0.5))).isEqualTo(
        PairwiseScore.Outcome.A_BETTER);
    assertThatThrownBy(() -> PairwiseScore.of(pAb, 0.2, LabelSet.of(3)))
        .hasMessageContaining("the label set 1-3 is not pairwise");
  }
}
