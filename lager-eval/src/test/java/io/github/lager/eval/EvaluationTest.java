package io.github.lager.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.lager.core.InvalidInputException;
import io.github.lager.core.io.HumanScore;
import io.github.lager.core.io.ScoredSample;
import io.github.lager.core.math.LayerLogits;
import io.github.lager.core.math.LayerWeights;
import io.github.lager.core.math.ScoreMethod;
import io.github.lager.core.metrics.Correlation;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EvaluationTest {
  static ScoredSample sample(long idx, int entries, double human, Random r) {
    float[] z = new float[entries * 5];
    for (int i = 0; i < z.length; i++) {
      z[i] = (float) r.nextGaussian();
    }
    return ScoredSample.fromLogits(idx, "p" + idx, HumanScore.of(human), LayerLogits.of(entries, 5, z),
        null, null);
  }

  static List<ScoredSample> samples(int n, int entries, long seed) {
    Random r = new Random(seed);
    List<ScoredSample> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(sample(i, entries, 1 + r.nextInt(5), r));
    }
    return out;
  }

  @Test
  void rowsAreTheCorrelationsOfEachScore() {
    List<ScoredSample> s = new ArrayList<>(samples(40, 6, 1));
    s.add(ScoredSample.invalid(99, "p", HumanScore.of(3), new int[] {1, 2}));
    LayerWeights w = new LayerWeights(new double[] {0.1, 0.2, 0.3, 0.2, 0.2});
    EvaluationReport r = Evaluation.evaluate(s, ScoreMethod.ABLATION, w, "w.json");
    assertThat(r.n()).isEqualTo(40);
    assertThat(r.skippedInvalid()).isEqualTo(1);
    assertThat(r.rows().keySet()).containsExactlyElementsOf(ScoreMethod.ABLATION);
    double[] human = s.subList(0, 40).stream().mapToDouble(x -> x.humanScore().get().mean()).toArray();
    double[] lagerW = s.subList(0, 40).stream()
        .mapToDouble(x -> ScoreMethod.LAGER_W.score(x.logits().get(), w)).toArray();
    assertThat(r.rows().get(ScoreMethod.LAGER_W).spearman())
        .isCloseTo(Correlation.spearman(lagerW, human), within(1e-15));
    double[] stored = s.subList(0, 40).stream().mapToDouble(ScoredSample::eScore).toArray();
    assertThat(r.rows().get(ScoreMethod.E_SCORE).pearson())
        .isCloseTo(Correlation.pearson(stored, human), within(1e-15));
    assertThat(r.perEntry()).hasSize(6);
  }

  @Test
  void mixedLayerCountsAreRefusedNamingTheSamples() {
    List<ScoredSample> s = new ArrayList<>(samples(5, 33, 2));
    s.add(sample(17, 25, 3, new Random(3)));
    assertThatThrownBy(() -> Evaluation.evaluate(s, ScoreMethod.MAIN.subList(0, 3), null, ""))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("idx 17 has 25 entries x 5 score logits but idx 0 has 33 x 5");
  }

  @Test
  void weightsForAnotherModelAreRefused() {
    assertThatThrownBy(() -> Evaluation.evaluate(samples(5, 33, 2), ScoreMethod.MAIN,
        LayerWeights.uniform(24), "qwen-weights.json"))
        .hasMessageContaining("layer weights from qwen-weights.json have 24 weights")
        .hasMessageContaining("the logits have 33 entries");
  }

  @Test
  void emptyOrAllInvalidInputIsAnError() {
    assertThatThrownBy(() -> Evaluation.evaluate(List.of(), ScoreMethod.MAIN, null, ""))
        .hasMessage("nothing to evaluate: no samples");
    List<ScoredSample> invalid = List.of(ScoredSample.invalid(1, null, HumanScore.of(2), null),
        ScoredSample.invalid(2, null, HumanScore.of(2), null));
    assertThatThrownBy(() -> Evaluation.evaluate(invalid, ScoreMethod.MAIN, null, ""))
        .hasMessage("nothing to evaluate: 0 valid of 2 samples (correlation needs at least 2)");
  }

  @Test
  void missingHumanScoreIsNamed() {
    List<ScoredSample> s = new ArrayList<>(samples(3, 4, 4));
    s.add(ScoredSample.fromLogits(7, null, null, LayerLogits.of(4, 5, new float[20]), null, null));
    assertThatThrownBy(() -> Evaluation.evaluate(s, List.of(ScoreMethod.E_SCORE), null, ""))
        .hasMessage("idx 7 has no human_score; evaluation needs one for every valid sample");
  }

  @Test
  void mergeDeduplicatesAndLeaveOutCounts() {
    List<ScoredSample> a = samples(10, 4, 5);
    List<ScoredSample> b = samples(14, 4, 5); // the same first 10 samples, and 4 more
    SampleSets.Merged m = SampleSets.mergeByIdx(
        List.of(new SampleSets.Source("a", a), new SampleSets.Source("b", b)));
    assertThat(m.samples()).hasSize(14);
    assertThat(m.duplicatesDropped()).isEqualTo(10);
    SampleSets.Split split = SampleSets.leaveOut(m.samples(), Set.of(0L, 3L, 100L));
    assertThat(split.leftOut()).isEqualTo(2);
    assertThat(split.kept()).hasSize(12).noneMatch(x -> x.idx() == 0 || x.idx() == 3);
  }

  @Test
  void conflictingDuplicatesAreRefused() {
    List<ScoredSample> a = samples(3, 4, 5);
    List<ScoredSample> c = samples(3, 4, 6);
    assertThatThrownBy(() -> SampleSets.mergeByIdx(
        List.of(new SampleSets.Source("a.json", a), new SampleSets.Source("c.json", c))))
        .hasMessageStartingWith("idx 0 is in a.json and in c.json with different scores or logits");
  }
}
