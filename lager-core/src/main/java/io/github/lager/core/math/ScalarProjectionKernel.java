package io.github.lager.core.math;

/** The reference kernel: one double-precision accumulator per dot product. */
public final class ScalarProjectionKernel implements ProjectionKernel {
  @Override
  public void project(float[] states, int statesOffset, int entries, int h, float[] rows, int k,
      float[] out, int outOffset) {
    for (int l = 0; l < entries; l++) {
      int base = statesOffset + l * h;
      for (int j = 0; j < k; j++) {
        int rowBase = j * h;
        double acc = 0;
        for (int i = 0; i < h; i++) {
          acc += (double) states[base + i] * rows[rowBase + i];
        }
        out[outOffset + l * k + j] = (float) acc;
      }
    }
  }

  @Override
  public String name() {
    return "scalar";
  }
}
