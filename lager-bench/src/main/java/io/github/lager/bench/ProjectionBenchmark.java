package io.github.lager.bench;

import io.github.lager.core.math.Projection;
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
 * The score-head projection of one sample: {@code entries x K} dot products of length
 * {@code hidden} (Llama-3.1-8B: 33 x 5 x 4096; Qwen2.5-0.5B: 25 x 5 x 896; the tiny fixtures:
 * 6 x 5 x 64).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ProjectionBenchmark {
  @Param({"64", "896", "4096"})
  int hidden;

  @Param({"6", "25", "33"})
  int entries;

  @Param({"5", "9"})
  int points;

  float[] states;
  float[] rows;
  float[] out;

  @Setup(Level.Trial)
  public void setup() {
    Random r = new Random(42);
    states = new float[entries * hidden];
    rows = new float[points * hidden];
    for (int i = 0; i < states.length; i++) {
      states[i] = (float) r.nextGaussian();
    }
    for (int i = 0; i < rows.length; i++) {
      rows[i] = (float) r.nextGaussian();
    }
    out = new float[entries * points];
  }

  @Benchmark
  public float[] scalar() {
    Projection.project(states, entries, hidden, rows, points, out);
    return out;
  }
}
