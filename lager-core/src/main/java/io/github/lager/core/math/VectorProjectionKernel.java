package io.github.lager.core.math;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD kernel on the Vector API ({@code jdk.incubator.vector}), float32 accumulation.
 *
 * <p>Register-blocked: a 2 x 4 micro-kernel computes two entries against four score rows in one
 * pass over the hidden dimension, with eight independent FMA accumulators and six vector loads
 * per eight FMAs (a plain dot product needs two loads per FMA and is load-bound). Leftover entries
 * and rows go through a 1 x 1 kernel with four accumulators. Each hidden state is read from memory
 * once; the K score rows stay in L2. Loaded only through {@link ProjectionKernels} when the module
 * is present.
 */
final class VectorProjectionKernel implements ProjectionKernel {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

  @Override
  public void project(float[] states, int statesOffset, int entries, int h, float[] rows, int k,
      float[] out, int outOffset) {
    int pairedEntries = entries - entries % 2;
    int groupedRows = k - k % 4;
    for (int l = 0; l < pairedEntries; l += 2) {
      int s0 = statesOffset + l * h;
      for (int j = 0; j < groupedRows; j += 4) {
        block2x4(states, s0, s0 + h, rows, j * h, h, out, outOffset + l * k + j, k);
      }
      for (int j = groupedRows; j < k; j++) {
        out[outOffset + l * k + j] = dot(states, s0, rows, j * h, h);
        out[outOffset + (l + 1) * k + j] = dot(states, s0 + h, rows, j * h, h);
      }
    }
    for (int l = pairedEntries; l < entries; l++) {
      for (int j = 0; j < k; j++) {
        out[outOffset + l * k + j] = dot(states, statesOffset + l * h, rows, j * h, h);
      }
    }
  }

  /** Entries at {@code a} and {@code b} against rows {@code r..r+3}; writes 2 x 4 outputs. */
  private static void block2x4(float[] states, int a, int b, float[] rows, int r, int h,
      float[] out, int o, int k) {
    int lanes = SPECIES.length();
    int bound = SPECIES.loopBound(h);
    FloatVector c00 = FloatVector.zero(SPECIES);
    FloatVector c01 = FloatVector.zero(SPECIES);
    FloatVector c02 = FloatVector.zero(SPECIES);
    FloatVector c03 = FloatVector.zero(SPECIES);
    FloatVector c10 = FloatVector.zero(SPECIES);
    FloatVector c11 = FloatVector.zero(SPECIES);
    FloatVector c12 = FloatVector.zero(SPECIES);
    FloatVector c13 = FloatVector.zero(SPECIES);
    int i = 0;
    for (; i < bound; i += lanes) {
      FloatVector x0 = FloatVector.fromArray(SPECIES, states, a + i);
      FloatVector x1 = FloatVector.fromArray(SPECIES, states, b + i);
      FloatVector w = FloatVector.fromArray(SPECIES, rows, r + i);
      c00 = x0.fma(w, c00);
      c10 = x1.fma(w, c10);
      w = FloatVector.fromArray(SPECIES, rows, r + h + i);
      c01 = x0.fma(w, c01);
      c11 = x1.fma(w, c11);
      w = FloatVector.fromArray(SPECIES, rows, r + 2 * h + i);
      c02 = x0.fma(w, c02);
      c12 = x1.fma(w, c12);
      w = FloatVector.fromArray(SPECIES, rows, r + 3 * h + i);
      c03 = x0.fma(w, c03);
      c13 = x1.fma(w, c13);
    }
    float[] sums = {
        c00.reduceLanes(VectorOperators.ADD), c01.reduceLanes(VectorOperators.ADD),
        c02.reduceLanes(VectorOperators.ADD), c03.reduceLanes(VectorOperators.ADD),
        c10.reduceLanes(VectorOperators.ADD), c11.reduceLanes(VectorOperators.ADD),
        c12.reduceLanes(VectorOperators.ADD), c13.reduceLanes(VectorOperators.ADD)};
    for (; i < h; i++) {
      for (int j = 0; j < 4; j++) {
        sums[j] += states[a + i] * rows[r + j * h + i];
        sums[4 + j] += states[b + i] * rows[r + j * h + i];
      }
    }
    for (int j = 0; j < 4; j++) {
      out[o + j] = sums[j];
      out[o + k + j] = sums[4 + j];
    }
  }

  /** One dot product with four accumulators. */
  private static float dot(float[] x, int xo, float[] y, int yo, int h) {
    int lanes = SPECIES.length();
    int bound4 = h - h % (4 * lanes);
    int bound = SPECIES.loopBound(h);
    FloatVector a0 = FloatVector.zero(SPECIES);
    FloatVector a1 = FloatVector.zero(SPECIES);
    FloatVector a2 = FloatVector.zero(SPECIES);
    FloatVector a3 = FloatVector.zero(SPECIES);
    int i = 0;
    for (; i < bound4; i += 4 * lanes) {
      a0 = FloatVector.fromArray(SPECIES, x, xo + i).fma(FloatVector.fromArray(SPECIES, y, yo + i), a0);
      a1 = FloatVector.fromArray(SPECIES, x, xo + i + lanes)
          .fma(FloatVector.fromArray(SPECIES, y, yo + i + lanes), a1);
      a2 = FloatVector.fromArray(SPECIES, x, xo + i + 2 * lanes)
          .fma(FloatVector.fromArray(SPECIES, y, yo + i + 2 * lanes), a2);
      a3 = FloatVector.fromArray(SPECIES, x, xo + i + 3 * lanes)
          .fma(FloatVector.fromArray(SPECIES, y, yo + i + 3 * lanes), a3);
    }
    for (; i < bound; i += lanes) {
      a0 = FloatVector.fromArray(SPECIES, x, xo + i).fma(FloatVector.fromArray(SPECIES, y, yo + i), a0);
    }
    float sum = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
    for (; i < h; i++) {
      sum += x[xo + i] * y[yo + i];
    }
    return sum;
  }

  @Override
  public String name() {
    return "vector-" + SPECIES.vectorBitSize() + "bit";
  }
}
