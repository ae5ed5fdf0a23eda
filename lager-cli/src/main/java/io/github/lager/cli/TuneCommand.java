package io.github.lager.cli;

import io.github.lager.core.io.LayerWeightsJson;
import io.github.lager.core.math.LayerWeights;
import io.github.lager.eval.HumanScoredData;
import io.github.lager.eval.ResultsInput;
import io.github.lager.eval.SampleSets;
import io.github.lager.train.LayerWeightTuner;
import io.github.lager.train.TrainingData;
import io.github.lager.train.TuningResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lager tune}: tune layer weights on a labelled results file and save them with provenance. */
@Command(name = "tune", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Tune LAGER's layer weights on a labelled results file (about 1k samples in the"
        + " paper) and save them, with provenance, for `lager evaluate --weights`.")
final class TuneCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--data", required = true, paramLabel = "FILE",
      description = "Results file with human scores (the reference's format).")
  Path data;

  @Option(names = "--out", required = true, paramLabel = "OUT", description = "Weights file to write.")
  Path out;

  @Option(names = "--overwrite",
      description = "Replace existing output files instead of refusing to.")
  boolean overwrite;

  @Option(names = "--skip-bad",
      description = "Unusable samples are left out and listed either way; with this the exit"
          + " status is 0 rather than 3.")
  boolean skipBad;

  @Mixin
  TunerOptions tuner;

  @Override
  public Integer call() {
    PrintWriter pw = spec.commandLine().getOut();
    tuner.check();
    OutputPaths.check(java.util.Map.of("--data", data), java.util.Map.of("--out", out), overwrite);
    ResultsInput input = ResultsInput.file(data);
    input.problems().forEach(p -> spec.commandLine().getErr().println("skipped " + p));
    HumanScoredData.check(List.of(new SampleSets.Source(input.name(), input.samples())), null);
    TrainingData training = TrainingData.fromSamples(input.samples(), input.name(), input.sha256());
    TuningResult result = new LayerWeightTuner(tuner.config()).tune(training);
    LayerWeights w = result.weights();
    LayerWeightsJson.write(out, w);
    pw.printf("tuned %d layer weights on %d samples (%d invalid skipped%s) of %s, labels %s (%s)%n",
        w.size(), training.examples().size(), training.skippedInvalid(),
        training.skippedNoMajority() > 0 ? ", " + training.skippedNoMajority()
            + " without a human majority label" : "", input.name(), training.labelSet().describe(),
        tuner.describe());
    double[] losses = result.epochLosses();
    for (int e = 0; e < losses.length; e++) {
      pw.printf(Locale.ROOT, "epoch %d: mean loss %.4f%n", e + 1, losses[e]);
    }
    double[] weights = w.weights();
    int best = 0;
    for (int i = 1; i < weights.length; i++) {
      best = weights[i] > weights[best] ? i : best;
    }
    pw.printf(Locale.ROOT, "largest weight: entry %d (%.4f; uniform would be %.4f)%n", best,
        weights[best], 1.0 / weights.length);
    pw.println("wrote " + out);
    return SkippedExit.samples(input.problems().size(), skipBad, pw);
  }
}
