package io.github.lager.examples;

import io.github.lager.core.io.LayerWeightsJson;
import io.github.lager.core.io.ResultsJson;
import io.github.lager.core.io.ScoredSample;
import io.github.lager.core.math.LayerWeights;
import io.github.lager.core.math.ScoreMethod;
import io.github.lager.eval.CorrelationRow;
import io.github.lager.eval.Evaluation;
import io.github.lager.eval.EvaluationReport;
import io.github.lager.eval.SampleSets;
import io.github.lager.train.LayerWeightTuner;
import io.github.lager.train.TrainingData;
import io.github.lager.train.TunerConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Tune layer weights on a labelled validation file, save them, and evaluate another results file
 * with them: what {@code lager evaluate --valid} does, through the library API.
 *
 * <pre>
 *   TuneThenEvaluate DATA.json VALID.json WEIGHTS_OUT.json
 * </pre>
 */
public final class TuneThenEvaluate {
  private TuneThenEvaluate() {}

  public static void main(String[] args) {
    if (args.length != 3) {
      System.err.println("usage: TuneThenEvaluate DATA.json VALID.json WEIGHTS_OUT.json");
      System.exit(2);
    }
    Path data = Path.of(args[0]);
    Path valid = Path.of(args[1]);

    // 1. Tune on the validation file (the reference's settings: CE + MSE, Adam, 1 epoch).
    TrainingData training = TrainingData.fromResultsFile(valid);
    LayerWeights weights = new LayerWeightTuner(TunerConfig.reference()).tune(training).weights();
    LayerWeightsJson.write(Path.of(args[2]), weights);

    // 2. Leave the tuning samples out of the evaluation.
    Set<Long> tuned = ResultsJson.read(valid).stream().map(ScoredSample::idx)
        .collect(Collectors.toSet());
    SampleSets.Split split = SampleSets.leaveOut(ResultsJson.read(data), tuned);

    // 3. Correlate every score with the human scores.
    EvaluationReport report =
        Evaluation.evaluate(split.kept(), ScoreMethod.MAIN, weights, valid.toString());
    System.out.printf("%d samples (%d left out, %d invalid)%n", report.n(), split.leftOut(),
        report.skippedInvalid());
    for (Map.Entry<ScoreMethod, CorrelationRow> row : report.rows().entrySet()) {
      System.out.printf("%-12s pearson %.4f  spearman %.4f%n", row.getKey().key(),
          row.getValue().pearson(), row.getValue().spearman());
    }
  }
}
