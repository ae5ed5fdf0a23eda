package io.github.lager.core.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DistributionsTest {
  @Test
  void softmaxIsStableForLargeLogits() {
    // Late un-normed layers of 8B models give logits of 13-27 and far more; exp(1000) overflows.
    double[] p = Distributions.softmax(new double[] {1000, 1001, 999});
    double e = Math.E;
    double z = 1 + e + 1 / e;
    assertThat(p).containsExactly(new double[] {1 / z, e / z, (1 / e) / z}, within(1e-15));
  }

  @Test
  void expectationAndArgmax() {
    double[] p = {0.1, 0.2, 0.3, 0.4};
    assertThat(LabelSet.of(4).expectation(p)).isCloseTo(3.0, within(1e-12));
    LabelSet letters = LabelSet.of(List.of("D", "C", "B", "A"), new double[] {0, 1, 2, 5});
    assertThat(letters.expectation(p)).isCloseTo(0.2 + 0.6 + 2.0, within(1e-12));
    assertThat(letters.argmaxValue(p)).isEqualTo(5);
    assertThat(Distributions.argmax(new double[] {1, 3, 3, 2})).as("first of ties").isEqualTo(1);
  }

  @Test
  void nonFiniteInputFails() {
    assertThatThrownBy(() -> Distributions.softmax(new double[] {1, Double.NaN}))
        .hasMessageContaining("not finite");
  }

  @Test
  void layerLogitsRejectNaNNamingEntryAndScore() {
    assertThatThrownBy(() -> LayerLogits.of(new float[][] {{1, 2}, {3, Float.NaN}}))
        .hasMessage("logit of entry 1, score 2 is NaN");
    assertThatThrownBy(() -> LayerLogits.of(new float[][] {{1, 2}, {3}}))
        .hasMessage("logits mismatch: entry 1 has 1, entry 0 has 2");
  }

  @Test
  void weightsMustFitTheLayerCount() {
    LayerWeights w = LayerWeights.uniform(32);
    LayerLogits z25 = LayerLogits.of(25, 5, new float[125]);
    assertThatThrownBy(() -> ScoreMethod.LAGER_W.score(z25, w))
        .hasMessageContaining("32 weights")
        .hasMessageContaining("the logits have 25 entries");
    assertThatThrownBy(() -> ScoreMethod.LAGER_W.score(z25, null))
        .hasMessage("lager_w needs tuned layer weights");
    assertThatThrownBy(() -> new LayerWeights(new double[] {0.5, 0.6}, Optional.empty()))
        .hasMessageContaining("sum to 1.1");
  }

  @Test
  void uniformTunedEqualsUntunedLogitAggregation() {
    LayerLogits z = LayerLogits.of(new float[][] {{1, 2, 0}, {0.5f, -1, 2}, {9, 9, 9}});
    assertThat(ScoreMethod.LAGER_W.score(z, LayerWeights.uniform(2)))
        .isCloseTo(ScoreMethod.LAGER_WO.score(z, null), within(1e-12));
    // the untuned probability aggregation sums the per-entry distributions (no 1/n): not equal
    assertThat(ScoreMethod.PROB_WEIGHTED_AGG_E_SCORE.score(z, LayerWeights.uniform(2)))
        .isNotCloseTo(ScoreMethod.PROB_AGG_E_SCORE.score(z, null), within(1e-6));
  }

  @Test
  void nineRowScaleScoresOneToNine() {
    // 1-9 scale (the paper's transfer setting): the last entry peaks at value 8
    float[][] rows = new float[4][9];
    rows[3][7] = 30;
    rows[1][0] = 30;
    LayerLogits z = LayerLogits.of(rows);
    assertThat(z.points()).isEqualTo(9);
    assertThat(ScoreMethod.DIRECT_SCORE.score(z, null)).isEqualTo(8);
    assertThat(ScoreMethod.E_SCORE.score(z, null)).isCloseTo(8, within(1e-9));
    // entries 0..2 averaged: value 1 dominates at logit 10 against 0
    double e = (1 * Math.exp(10) + (2 + 3 + 4 + 5 + 6 + 7 + 8 + 9)) / (Math.exp(10) + 8);
    assertThat(ScoreMethod.LAGER_WO.score(z, null)).isCloseTo(e, within(1e-12));
    assertThat(LabelSet.of(9).value(8)).isEqualTo(9);
  }
}
