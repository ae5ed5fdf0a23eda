package io.github.lager.core.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ProjectionTest {
  /** Parity tolerance of the project: 1e-4 x max(1, |value|). */
  static final double RELATIVE = 1e-4;

  @Test
  void biasIsAddedPerScore() {
    HiddenStates h = HiddenStates.of(new float[][] {{1, 2}, {3, 4}});
    ScoreHead head = ScoreHead.of(2, 2, new float[] {1, 0, 0, 1}).withBias(new float[] {10, 20});
    LayerLogits z = Projection.project(h, head);
    assertThat(z.row(0)).containsExactly(11, 22);
    assertThat(z.row(1)).containsExactly(13, 24);
  }

  @Test
  void finalNormLensNormsEveryEntryButTheLast() {
    // entry 0: x = (3, 4): mean(x^2) = 12.5, so x / sqrt(12.5 + eps) * g with g = (2, 1).
    HiddenStates h = HiddenStates.of(new float[][] {{3, 4}, {5, 6}});
    ScoreHead head = ScoreHead.of(2, 2, new float[] {1, 0, 0, 1})
        .withFinalNorm(new float[] {2, 1}, 1e-6);
    LayerLogits z = Projection.project(h, head, Projection.Lens.FINAL_NORM);
    double inv = 1 / Math.sqrt(12.5 + 1e-6);
    assertThat((double) z.get(0, 0)).isCloseTo(2 * 3 * inv, within(1e-6));
    assertThat((double) z.get(0, 1)).isCloseTo(4 * inv, within(1e-6));
    assertThat(z.row(1)).containsExactly(5, 6); // already the final-norm output
    assertThatThrownBy(() -> Projection.project(h, ScoreHead.of(2, 2, new float[4]),
        Projection.Lens.FINAL_NORM)).hasMessageContaining("final-norm weights");
  }

  @Test
  void kernelEqualsNaiveDotProductsOnOddSizes() {
    Random r = new Random(7);
    for (int[] size : new int[][] {{2, 1, 2}, {3, 17, 5}, {33, 131, 9}}) {
      int entries = size[0];
      int h = size[1];
      int k = size[2];
      float[] s = new float[entries * h];
      float[] w = new float[k * h];
      for (int i = 0; i < s.length; i++) {
        s[i] = (float) r.nextGaussian();
      }
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) r.nextGaussian();
      }
      float[] out = new float[entries * k];
      ProjectionKernels.scalar().project(s, 0, entries, h, w, k, out, 0);
      for (int l = 0; l < entries; l++) {
        for (int j = 0; j < k; j++) {
          double dot = 0;
          for (int i = 0; i < h; i++) {
            dot += (double) s[l * h + i] * w[j * h + i];
          }
          assertThat((double) out[l * k + j]).isCloseTo(dot, within(1e-5 * Math.max(1, Math.abs(dot))));
        }
      }
    }
  }

  @Test
  void hiddenSizeMismatchIsNamed() {
    HiddenStates h = HiddenStates.of(2, 3, new float[6]);
    assertThatThrownBy(() -> Projection.project(h, ScoreHead.of(2, 4, new float[8])))
        .hasMessage("hidden size mismatch: hidden states have 3, score head has 4");
  }
}
