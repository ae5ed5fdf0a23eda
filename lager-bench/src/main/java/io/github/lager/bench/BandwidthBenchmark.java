package io.github.lager.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The machine's limit for a memory-bound kernel: a SIMD streaming read (sum) of
 * {@value #BYTES_MB} MB, far larger than the caches. GB/s = {@value #BYTES_MB} MB / time. The
 * projection kernel's bytes of hidden states per second are reported as a fraction of this.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "--add-modules", "jdk.incubator.vector"})
public class BandwidthBenchmark {
  static final int BYTES_MB = 512;
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

  float[] data;

  @Setup(Level.Trial)
  public void setup() {
    data = new float[BYTES_MB * 1024 * 1024 / 4];
    Random r = new Random(1);
    for (int i = 0; i < data.length; i += 1024) {
      data[i] = r.nextFloat();
    }
  }

  /** Sums the array in 1 MB chunks (a small method that compiles early, even in quick mode). */
  @Benchmark
  public float streamingRead() {
    float total = 0;
    int chunk = 1 << 18; // floats per MB
    for (int from = 0; from < data.length; from += chunk) {
      total += sum(data, from, Math.min(data.length, from + chunk));
    }
    return total;
  }

  private static float sum(float[] a, int from, int to) {
    int lanes = SPECIES.length();
    FloatVector a0 = FloatVector.zero(SPECIES);
    FloatVector a1 = FloatVector.zero(SPECIES);
    FloatVector a2 = FloatVector.zero(SPECIES);
    FloatVector a3 = FloatVector.zero(SPECIES);
    int i = from;
    int bound = to - (to - from) % (4 * lanes);
    for (; i < bound; i += 4 * lanes) {
      a0 = a0.add(FloatVector.fromArray(SPECIES, a, i));
      a1 = a1.add(FloatVector.fromArray(SPECIES, a, i + lanes));
      a2 = a2.add(FloatVector.fromArray(SPECIES, a, i + 2 * lanes));
      a3 = a3.add(FloatVector.fromArray(SPECIES, a, i + 3 * lanes));
    }
    float s = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
    for (; i < to; i++) {
      s += a[i];
    }
    return s;
  }
}
