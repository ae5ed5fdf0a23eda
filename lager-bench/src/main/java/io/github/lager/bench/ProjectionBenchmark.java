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
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The score-head projection, per sample: {@code entries x K} dot products of length
 * {@code hidden} (Llama-3.1-8B: 33 x 5 x 4096; Qwen2.5-0.5B: 25 x 5 x 896; the fixtures:
 * 6 x 5 x 64). {@code batched} streams {@value #SAMPLES} samples (140 MB at 8B shapes, far more
 * than the caches) and reports time per sample, so that bytes of hidden states per second can be
 * set against {@link BandwidthBenchmark}'s streaming read.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "--add-modules", "jdk.incubator.vector"})
public class ProjectionBenchmark {
  static final int SAMPLES = 256;

  @Param({"64", "896", "4096"})
  int hidden;

  @Param({"6", "25", "33"})
  int entries;

  @Param({"5", "9"})
  int points;

  float[] one;
  float[] many;
  float[] rows;
  float[] out;
  float[] outMany;
  ProjectionKernel scalar;
  ProjectionKernel vector;

  @Setup(Level.Trial)
  public void setup() {
    Random r = new Random(42);
    one = random(r, entries * hidden);
    many = random(r, SAMPLES * entries * hidden);
    rows = random(r, points * hidden);
    out = new float[entries * points];
    outMany = new float[SAMPLES * entries * points];
    scalar = ProjectionKernels.scalar();
    vector = ProjectionKernels.vector().orElseThrow(
        () -> new IllegalStateException("run with --add-modules jdk.incubator.vector"));
  }

  static float[] random(Random r, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) r.nextGaussian();
    }
    return a;
  }

  @Benchmark
  public float[] scalar() {
    scalar.project(one, 0, entries, hidden, rows, points, out, 0);
    return out;
  }

  @Benchmark
  public float[] vector() {
    vector.project(one, 0, entries, hidden, rows, points, out, 0);
    return out;
  }

  /** Time per sample while streaming {@value #SAMPLES} samples from memory. */
  @Benchmark
  @OperationsPerInvocation(SAMPLES)
  public float[] vectorBatched() {
    int stride = entries * hidden;
    for (int s = 0; s < SAMPLES; s++) {
      vector.project(many, s * stride, entries, hidden, rows, points, outMany, s * entries * points);
    }
    return outMany;
  }
}
