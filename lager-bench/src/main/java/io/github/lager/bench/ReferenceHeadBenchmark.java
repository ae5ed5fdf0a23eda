package io.github.lager.bench;

import io.github.lager.core.math.ProjectionKernel;
import io.github.lager.core.math.ProjectionKernels;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The reference's approach for one sample: the full-vocabulary LM head applied to every entry's
 * hidden state ({@code entries x vocab} dot products of length {@code hidden}), then the K score
 * logits picked out. Done as well as a CPU can: vocabulary rows outer, in blocks, so the LM head
 * is read from memory once and the sample's hidden states stay in cache; the same SIMD kernel as
 * lager's. Compare with {@link ProjectionBenchmark#vector()} at the same shape for the ratio.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "--add-modules", "jdk.incubator.vector"})
public class ReferenceHeadBenchmark {
  static final int BLOCK = 64;

  @Param({"33"})
  int entries;

  @Param({"4096"})
  int hidden;

  @Param({"128256"})
  int vocab;

  float[] lmHead;
  float[] states;
  float[] blockLogits;
  int[] scoreTokens = {16, 17, 18, 19, 20};
  ProjectionKernel kernel;

  @Setup(Level.Trial)
  public void setup() {
    Random r = new Random(3);
    lmHead = new float[vocab * hidden];
    for (int i = 0; i < lmHead.length; i++) {
      lmHead[i] = (float) (0.02 * r.nextGaussian());
    }
    states = ProjectionBenchmark.random(r, entries * hidden);
    blockLogits = new float[BLOCK * entries];
    kernel = ProjectionKernels.vector().orElseThrow(
        () -> new IllegalStateException("run with --add-modules jdk.incubator.vector"));
  }

  @Benchmark
  public float[] fullVocabularyThenSelect() {
    float[] score = new float[entries * scoreTokens.length];
    for (int v0 = 0; v0 < vocab; v0 += BLOCK) {
      int rows = Math.min(BLOCK, vocab - v0);
      // rows of the LM head as "states", the sample's entries as "rows": logits[v][l]
      kernel.project(lmHead, v0 * hidden, rows, hidden, states, entries, blockLogits, 0);
      for (int k = 0; k < scoreTokens.length; k++) {
        int t = scoreTokens[k];
        if (t >= v0 && t < v0 + rows) {
          for (int l = 0; l < entries; l++) {
            score[l * scoreTokens.length + k] = blockLogits[(t - v0) * entries + l];
          }
        }
      }
    }
    return score;
  }
}
