package io.github.lager.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.lager.core.math.LabelSet;
import io.github.lager.core.math.LayerLogits;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The analytic gradients against central finite differences. */
class TunerLossTest {
  static final double H = 1e-6;
  /** Central differences in double at h = 1e-6 are good to about 1e-8 here. */
  static final double TOLERANCE = 1e-6;

  /** The scale 1..5, and labels with uneven values: the gradient must follow the values. */
  static final List<LabelSet> SCALES = List.of(LabelSet.of(5),
      LabelSet.of(List.of("A", "B", "C", "D", "E"), new double[] {0, 2, 3, 7, 10}));

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void thetaGradientMatchesFiniteDifferences(boolean absolute) {
    for (LabelSet labelSet : SCALES) {
      thetaGradient(absolute, labelSet);
    }
  }

  private void thetaGradient(boolean absolute, LabelSet labelSet) {
    Random r = new Random(3);
    List<TrainingExample> batch = randomBatch(r, 4, 9, 5);
    double[] theta = new double[8];
    for (int i = 0; i < theta.length; i++) {
      theta[i] = r.nextGaussian();
    }
    double mix = 0.62;
    double[] g = TunerLoss.evaluate(theta, mix, absolute, batch, labelSet).gradTheta();
    for (int j = 0; j < theta.length; j++) {
      double[] plus = theta.clone();
      double[] minus = theta.clone();
      plus[j] += H;
      minus[j] -= H;
      double fd = (TunerLoss.evaluate(plus, mix, absolute, batch, labelSet).loss()
          - TunerLoss.evaluate(minus, mix, absolute, batch, labelSet).loss()) / (2 * H);
      assertThat(g[j]).as("d loss / d theta_%d (%s, labels %s, tolerance %s)", j,
          absolute ? "MAE" : "MSE", labelSet.describe(), TOLERANCE)
          .isCloseTo(fd, within(TOLERANCE));
    }
  }

  @ParameterizedTest
  @ValueSource(doubles = {-1.3, 0.5, 2.0})
  void alphaGradientMatchesFiniteDifferences(double alpha) {
    // loss(alpha) = s(alpha) CE + (1 - s(alpha)) MSE; the tuner uses (CE - MSE) s (1 - s).
    Random r = new Random(5);
    List<TrainingExample> batch = randomBatch(r, 3, 6, 5);
    double[] theta = {0.3, -0.2, 0.1, 0.0, 0.5};
    LabelSet labelSet = LabelSet.of(5);
    TunerLoss.Result at =
        TunerLoss.evaluate(theta, TunerLoss.sigmoid(alpha), false, batch, labelSet);
    double s = TunerLoss.sigmoid(alpha);
    double analytic = (at.crossEntropy() - at.regression()) * s * (1 - s);
    double fd =
        (TunerLoss.evaluate(theta, TunerLoss.sigmoid(alpha + H), false, batch, labelSet).loss()
        - TunerLoss.evaluate(theta, TunerLoss.sigmoid(alpha - H), false, batch, labelSet).loss())
        / (2 * H);
    assertThat(analytic).isCloseTo(fd, within(TOLERANCE));
  }

  @org.junit.jupiter.api.Test
  void theRegressionTermReadsTheLabelsValues() {
    // one sample whose logits are uniform: E = mean of the values, the target's value is v_t
    List<TrainingExample> one = List.of(new TrainingExample(LayerLogits.of(2, 5, new float[10]), 3));
    LabelSet uneven = SCALES.get(1);
    TunerLoss.Result res = TunerLoss.evaluate(new double[1], 0.0, true, one, uneven);
    assertThat(res.regression()).as("|E - v_3| = |4.4 - 7|").isCloseTo(2.6, within(1e-12));
    assertThat(res.crossEntropy()).isCloseTo(Math.log(5), within(1e-12));
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void lossIsTheMixOfItsParts(boolean absolute) {
    Random r = new Random(11);
    List<TrainingExample> batch = randomBatch(r, 5, 4, 9);
    TunerLoss.Result res = TunerLoss.evaluate(new double[3], 0.25, absolute, batch,
        LabelSet.of(9));
    assertThat(res.loss()).isCloseTo(0.25 * res.crossEntropy() + 0.75 * res.regression(),
        within(1e-12));
    assertThat(res.crossEntropy()).isPositive();
  }

  static List<TrainingExample> randomBatch(Random r, int size, int entries, int points) {
    List<TrainingExample> out = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      float[] z = new float[entries * points];
      for (int j = 0; j < z.length; j++) {
        z[j] = (float) (3 * r.nextGaussian());
      }
      out.add(new TrainingExample(LayerLogits.of(entries, points, z), r.nextInt(points)));
    }
    return out;
  }
}
