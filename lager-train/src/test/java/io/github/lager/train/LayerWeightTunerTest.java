package io.github.lager.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.lager.core.InvalidInputException;
import io.github.lager.core.io.HumanScore;
import io.github.lager.core.io.LayerWeightsJson;
import io.github.lager.core.io.ScoredSample;
import io.github.lager.core.math.LabelSet;
import io.github.lager.core.math.LayerLogits;
import io.github.lager.core.math.LayerWeights;
import io.github.lager.core.math.ScoreMethod;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerWeightTunerTest {
  /**
   * 600 samples of 9 entries: entry 5 carries the label (its logits peak at the target), every
   * other entry is noise. Tuning must move weight onto entry 5 and make lager_w agree better with
   * the labels than the uniform lager_wo.
   */
  static TrainingData informativeLayer(long seed) {
    Random r = new Random(seed);
    List<TrainingExample> out = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      int y = 1 + r.nextInt(5);
      float[] z = new float[9 * 5];
      for (int j = 0; j < z.length; j++) {
        z[j] = (float) (2 * r.nextGaussian());
      }
      z[5 * 5 + (y - 1)] += 6;
      out.add(new TrainingExample(LayerLogits.of(9, 5, z), y - 1));
    }
    return TrainingData.of(out, "synthetic");
  }

  @Test
  void tuningFindsTheInformativeLayer() {
    TrainingData data = informativeLayer(1);
    for (TunerConfig config : List.of(TunerConfig.reference(), TunerConfig.paper())) {
      TuningResult result = new LayerWeightTuner(config).tune(data);
      double[] w = result.weights().weights();
      assertThat(w).hasSize(8);
      int best = 0;
      for (int i = 1; i < w.length; i++) {
        best = w[i] > w[best] ? i : best;
      }
      assertThat(best).as("%s: weights %s", config.variant(), result.weights()).isEqualTo(5);
      assertThat(w[5]).isGreaterThan(2.0 / 8);
      double[] steps = result.stepLosses();
      assertThat(steps).hasSize(150);
      assertThat(mean(steps, 130, 150)).as("loss falls").isLessThan(mean(steps, 0, 20));
      assertThat(error(data, result.weights())).isLessThan(error(data, null));
    }
  }

  @Test
  void sameSeedSameWeightsOtherSeedOtherWeights() {
    TrainingData data = informativeLayer(2);
    TunerConfig c = TunerConfig.reference().toBuilder().epochs(2).build();
    LayerWeights a = new LayerWeightTuner(c).tune(data).weights();
    LayerWeights b = new LayerWeightTuner(c).tune(data).weights();
    LayerWeights other = new LayerWeightTuner(c.toBuilder().seed(43).build()).tune(data).weights();
    assertThat(a.weights()).containsExactly(b.weights());
    assertThat(a.weights()).isNotEqualTo(other.weights());
  }

  @Test
  void firstAdamStepMovesEveryParameterByTheLearningRate() {
    // torch Adam, step 1: m_hat = g, v_hat = g^2, so p -= lr * g / (|g| + eps) = lr * sign(g).
    Adam adam = new Adam(3, 0.01);
    double[] p = {0, 1, 2};
    adam.step(p, new double[] {0.5, -2, 1e-3});
    double eps = 1e-8;
    assertThat(p).containsExactly(new double[] {-0.01 * 0.5 / (0.5 + eps),
        1 + 0.01 * 2 / (2 + eps), 2 - 0.01 * 1e-3 / (1e-3 + eps)}, within(1e-15));
  }

  @Test
  void plateauHalvesTheRateAfterPatienceRunsOut() {
    Adam adam = new Adam(1, 0.01);
    ReduceLrOnPlateau s = new ReduceLrOnPlateau(adam, 0.5, 1, 1e-3);
    s.step(1.0); // best
    s.step(1.0); // 1 bad epoch: patience 1 not exceeded
    assertThat(adam.learningRate()).isEqualTo(0.01);
    s.step(0.99995); // not better by the relative threshold 1e-4: 2 bad epochs
    assertThat(adam.learningRate()).isEqualTo(0.005);
    s.step(0.5);
    s.step(0.6);
    s.step(0.7);
    assertThat(adam.learningRate()).isEqualTo(0.0025);
    for (int i = 0; i < 10; i++) {
      s.step(1);
    }
    assertThat(adam.learningRate()).as("floored at min_lr").isEqualTo(1e-3);
  }

  @Test
  void weightsCarryProvenanceThroughTheirFile(@TempDir Path dir) {
    TrainingData data = informativeLayer(3);
    LayerWeights w = new LayerWeightTuner(TunerConfig.paper().toBuilder().seed(7).build()).tune(data).weights();
    Path file = dir.resolve("w.json");
    LayerWeightsJson.write(file, w);
    LayerWeights back = LayerWeightsJson.read(file);
    assertThat(back).isEqualTo(w);
    var p = back.provenance().orElseThrow();
    assertThat(p.variant()).isEqualTo("paper");
    assertThat(p.seed()).isEqualTo(7);
    assertThat(p.entries()).isEqualTo(9);
    assertThat(p.trainingSamples()).isEqualTo(600);
    assertThat(p.trainingDataSha256()).hasSize(64).isEqualTo(data.sha256());
    assertThat(p.hyperparameters()).containsEntry("batch_size", 4.0).containsEntry("alpha", 0.5);
  }

  @Test
  void targetsAreRoundedMeansAndMustFitTheScale() {
    LayerLogits z = LayerLogits.of(3, 5, new float[15]);
    ScoredSample a = ScoredSample.fromLogits(1, null, HumanScore.ofAnnotators(4, 4, 3), z, null, null);
    ScoredSample b = ScoredSample.fromLogits(2, null, HumanScore.ofAnnotators(2, 3), z, null, null);
    ScoredSample bad = ScoredSample.fromLogits(3, null, HumanScore.of(7), z, null, null);
    ScoredSample invalid = ScoredSample.invalid(4, null, HumanScore.of(3), null);
    TrainingData d = TrainingData.fromSamples(List.of(a, b, invalid), "f.json", "x");
    // rounded means 4 and 2 (2.5 rounds half to even): the labels "4" and "2", indices 3 and 1
    assertThat(d.examples()).extracting(TrainingExample::labelIndex).containsExactly(3, 1);
    assertThat(d.skippedInvalid()).isEqualTo(1);
    assertThat(d.labelSet()).isEqualTo(LabelSet.of(5));
    assertThatThrownBy(() -> TrainingData.fromSamples(List.of(a, bad), "f.json", "x"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("f.json: idx 3 has human score 7.0 (rounded mean 7), which is no label's value"
            + " on the labels 1-5; tuning targets are labels");
    assertThatThrownBy(() -> TrainingData.fromSamples(List.of(invalid), "f.json", "x"))
        .hasMessage("f.json: no valid sample to tune on");
  }

  @Test
  void targetsIndexAnyLabelSetThroughItsValues() {
    LayerLogits z = LayerLogits.of(3, 3, new float[9]);
    LabelSet letters = LabelSet.of(List.of("C", "B", "A"), new double[] {1, 2, 3});
    ScoredSample a = ScoredSample.fromLogits(1, null, HumanScore.of(3), z, null, null, letters);
    ScoredSample b = ScoredSample.fromLogits(2, null, HumanScore.of(1), z, null, null, letters);
    TrainingData d = TrainingData.fromSamples(List.of(a, b), "f.json", "x");
    assertThat(d.examples()).extracting(TrainingExample::labelIndex).containsExactly(2, 0);
    LayerWeights w = new LayerWeightTuner(TunerConfig.reference()).tune(d).weights();
    assertThat(w.provenance().orElseThrow().labelSet()).contains(letters);

    // pairwise labels: the majority label (0 = A better, 2 = B better), split votes left out
    LabelSet pairwise = LabelSet.of(List.of("A", "B", "C"), new double[] {0, 2, 1});
    ScoredSample p1 = ScoredSample.fromLogits(1, null, HumanScore.ofAnnotators(0, 2, 0), z, null,
        null, pairwise);
    ScoredSample p2 = ScoredSample.fromLogits(2, null, HumanScore.ofAnnotators(0, 2), z, null,
        null, pairwise);
    ScoredSample p3 = ScoredSample.fromLogits(3, null, HumanScore.ofAnnotators(1, 1, 2), z, null,
        null, pairwise);
    TrainingData pd = TrainingData.fromSamples(List.of(p1, p2, p3), "p.json", "x");
    // majority 0 is label "A" (index 0), majority 1 (tie) is label "C" (index 2); the mean of
    // [0, 2, 0] would round to 1, a tie: the majority is the label the annotators gave
    assertThat(pd.examples()).extracting(TrainingExample::labelIndex).containsExactly(0, 2);
    assertThat(pd.skippedNoMajority()).isEqualTo(1);

    assertThatThrownBy(() -> TrainingData.fromSamples(List.of(a, ScoredSample.fromLogits(9, null,
        HumanScore.of(2), z, null, null, LabelSet.of(3))), "f.json", "x"))
        .hasMessage("f.json: idx 9 is on the labels 1-3 but idx 1 on C=1, B=2, A=3; tuning data"
            + " must share one label set");
  }

  static double error(TrainingData data, LayerWeights w) {
    double sum = 0;
    for (TrainingExample e : data.examples()) {
      double s = w == null ? ScoreMethod.LAGER_WO.score(e.logits(), null)
          : ScoreMethod.LAGER_W.score(e.logits(), w);
      sum += Math.abs(s - (e.labelIndex() + 1));
    }
    return sum / data.examples().size();
  }

  static double mean(double[] a, int from, int to) {
    double s = 0;
    for (int i = from; i < to; i++) {
      s += a[i];
    }
    return s / (to - from);
  }
}
