package io.github.lager.core.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The SIMD kernel against the scalar one, on random inputs of odd and realistic sizes. */
class ProjectionKernelTest {
  /** float32 accumulation in another order than the scalar kernel's double. */
  static final double RELATIVE = 1e-5;

  @Test
  void vectorEqualsScalarOnOddAndRealSizes() {
    Optional<ProjectionKernel> vector = ProjectionKernels.vector();
    assumeTrue(vector.isPresent(), "jdk.incubator.vector is not in the boot layer");
    ProjectionKernel scalar = ProjectionKernels.scalar();
    Random r = new Random(11);
    int[][] sizes = {{1, 1, 1}, {2, 3, 2}, {3, 7, 5}, {6, 64, 5}, {5, 65, 9}, {4, 127, 5},
        {25, 896, 5}, {33, 4096, 5}, {2, 4099, 9}};
    for (int[] size : sizes) {
      int entries = size[0];
      int h = size[1];
      int k = size[2];
      int offset = r.nextInt(5);
      float[] states = random(r, offset + entries * h);
      float[] rows = random(r, k * h);
      float[] a = new float[3 + entries * k];
      float[] b = new float[3 + entries * k];
      scalar.project(states, offset, entries, h, rows, k, a, 3);
      vector.get().project(states, offset, entries, h, rows, k, b, 3);
      for (int i = 3; i < a.length; i++) {
        // the error of a float32 sum of h products grows like sqrt(h) x the magnitude of a product
        double tol = RELATIVE * Math.sqrt(h) * Math.max(1, Math.abs(a[i]));
        assertThat((double) b[i]).as("%d x %d x %d, output %d", entries, h, k, i)
            .isCloseTo(a[i], org.assertj.core.api.Assertions.within(tol));
      }
    }
  }

  @Test
  void theKernelAtAnOffsetEqualsPerSampleProjection() {
    Random r = new Random(5);
    int samples = 7;
    int entries = 6;
    int h = 64;
    int k = 5;
    float[] states = random(r, samples * entries * h);
    float[] rows = random(r, k * h);
    float[] out = new float[samples * entries * k];
    ProjectionKernel kernel = ProjectionKernels.get();
    for (int s = 0; s < samples; s++) { // samples back to back in one array: the kernel's offsets
      kernel.project(states, s * entries * h, entries, h, rows, k, out, s * entries * k);
    }
    ScoreHead head = ScoreHead.of(k, h, rows);
    for (int s = 0; s < samples; s++) {
      float[] one = new float[entries * h];
      System.arraycopy(states, s * entries * h, one, 0, one.length);
      LayerLogits z = Projection.project(HiddenStates.of(entries, h, one), head);
      float[] expected = z.toArray();
      float[] actual = new float[entries * k];
      System.arraycopy(out, s * entries * k, actual, 0, actual.length);
      assertThat(actual).containsExactly(expected);
    }
  }

  @Test
  void theChosenKernelIsTheVectorOneWhenTheModuleIsThere() {
    boolean module = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    assertThat(ProjectionKernels.get().name()).startsWith(module ? "vector-" : "scalar");
  }

  static float[] random(Random r, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) r.nextGaussian();
    }
    return a;
  }
}
