package io.github.lager.bench;

import io.github.lager.core.io.HumanScore;
import io.github.lager.core.io.ScoredSample;
import io.github.lager.core.math.LayerLogits;
import io.github.lager.core.math.LayerWeights;
import io.github.lager.core.math.ScoreMethod;
import io.github.lager.eval.Evaluation;
import io.github.lager.eval.EvaluationReport;
import io.github.lager.train.LayerWeightTuner;
import io.github.lager.train.TrainingData;
import io.github.lager.train.TrainingExample;
import io.github.lager.train.TunerConfig;
import io.github.lager.train.TuningResult;
import java.util.ArrayList;
import java.util.List;
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
 * The work after the model: one tuner epoch on 1,000 samples of 33 x 5 logits (the paper's
 * validation set at Llama-3.1-8B's shape), and the full evaluation table (ten scores, three
 * correlations, per-entry curve) of 2,000 samples.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class TunerBenchmark {
  TrainingData training;
  List<ScoredSample> samples;
  LayerWeights weights;

  @Setup(Level.Trial)
  public void setup() {
    Random r = new Random(42);
    List<TrainingExample> examples = new ArrayList<>();
    samples = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      float[] z = new float[33 * 5];
      for (int j = 0; j < z.length; j++) {
        z[j] = (float) (3 * r.nextGaussian());
      }
      LayerLogits logits = LayerLogits.of(33, 5, z);
      int y = 1 + r.nextInt(5);
      if (i < 1000) {
        examples.add(new TrainingExample(logits, y - 1)); // the index of the label "y"
      }
      samples.add(ScoredSample.fromLogits(i, null, HumanScore.ofAnnotators(y, y, 1 + r.nextInt(5)),
          logits, null, null));
    }
    training = TrainingData.of(examples, "synthetic");
    weights = LayerWeights.uniform(32);
  }

  @Benchmark
  public TuningResult tunerEpoch1000() {
    return new LayerWeightTuner(TunerConfig.reference()).tune(training);
  }

  @Benchmark
  public EvaluationReport evaluate2000() {
    return Evaluation.evaluate(samples, ScoreMethod.ABLATION, weights, "uniform");
  }
}
