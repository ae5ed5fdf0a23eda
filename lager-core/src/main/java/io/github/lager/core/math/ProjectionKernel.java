package io.github.lager.core.math;

/**
 * The projection's inner loop: {@code out[outOffset + l*k + j] = sum_i states[statesOffset + l*h + i]
 * * rows[j*h + i]} for {@code entries x k} dot products of length {@code h}. Implementations:
 * scalar, and SIMD on the Vector API; {@link ProjectionKernels#get()} picks one.
 */
public interface ProjectionKernel {
  void project(float[] states, int statesOffset, int entries, int h, float[] rows, int k,
      float[] out, int outOffset);

  /** A short name for logs and benchmarks. */
  String name();
}
