package io.github.lager.bench;

import io.github.lager.core.math.LayerLogits;
import io.github.lager.core.math.LayerWeights;
import io.github.lager.core.math.ScoreMethod;
import java.util.Random;
import java.util.concurrent.TimeUnit;
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
 * Softmax, expectation and layer aggregation for a batch of 1,000 samples of 33 x 5 logits: the
 * three scores a scoring run writes per sample (E-score, lager_wo, lager_w).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class AggregationBenchmark {
  LayerLogits[] batch;
  LayerWeights weights;

  @Setup(Level.Trial)
  public void setup() {
    Random r = new Random(9);
    batch = new LayerLogits[1000];
    for (int s = 0; s < batch.length; s++) {
      float[] z = new float[33 * 5];
      for (int i = 0; i < z.length; i++) {
        z[i] = (float) (5 * r.nextGaussian());
      }
      batch[s] = LayerLogits.of(33, 5, z);
    }
    double[] w = new double[32];
    double sum = 0;
    for (int i = 0; i < w.length; i++) {
      w[i] = r.nextDouble();
      sum += w[i];
    }
    for (int i = 0; i < w.length; i++) {
      w[i] /= sum;
    }
    weights = new LayerWeights(w);
  }

  @Benchmark
  public double threeScoresFor1000Samples() {
    double acc = 0;
    for (LayerLogits z : batch) {
      acc += ScoreMethod.E_SCORE.score(z, null) + ScoreMethod.LAGER_WO.score(z, null)
          + ScoreMethod.LAGER_W.score(z, weights);
    }
    return acc;
  }
}
