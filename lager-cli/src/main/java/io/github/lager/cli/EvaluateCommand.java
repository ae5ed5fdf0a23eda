package io.github.lager.cli;

import com.google.gson.JsonObject;
import io.github.lager.core.InvalidInputException;
import io.github.lager.core.eval.Evaluation;
import io.github.lager.core.eval.EvaluationReport;
import io.github.lager.core.eval.HumanRange;
import io.github.lager.core.eval.HumanScoredData;
import io.github.lager.core.eval.PairwiseEvaluation;
import io.github.lager.core.eval.SampleSets;
import io.github.lager.core.eval.ScoreColumns;
import io.github.lager.core.io.LayerWeightsJson;
import io.github.lager.core.io.ScoredSample;
import io.github.lager.core.math.LayerWeights;
import io.github.lager.core.math.PairwiseScore;
import io.github.lager.core.math.ScoreMethod;
import io.github.lager.core.math.ScoreScale;
import io.github.lager.train.LayerWeightTuner;
import io.github.lager.train.TrainingData;
import io.github.lager.train.TuningResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lager evaluate}: the reference's {@code evaluation.py} on results files. Merges the data
 * files by idx, leaves out the validation samples, tunes layer weights on the validation file (or
 * loads them) and prints Pearson, Spearman and Kendall tau-b of every score.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Correlate direct_score, e_score, lager_wo and lager_w with the human scores of results"
            + " files (the reference's format); for pairwise judgments (labels valued 0 = A"
            + " better, 1 = tie, 2 = B better), accuracy and Cohen's kappa against the human"
            + " majority and the swap consistency.",
        "With no --data, evaluates the sample results bundled with lager (from the tiny-llama"
            + " fixture; a demonstration of the mechanics, the judge has random weights)."})
final class EvaluateCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--data", arity = "1..*", paramLabel = "FILE",
      description = "Results files to evaluate, merged by idx (duplicates dropped).")
  List<Path> data = new ArrayList<>();

  @ArgGroup(exclusive = true)
  WeightsSource weightsSource;

  static final class WeightsSource {
    @Option(names = "--valid", paramLabel = "FILE",
        description = "Results file to tune the layer weights on; its idx are left out of the"
            + " evaluation.")
    Path valid;

    @Option(names = "--weights", paramLabel = "FILE",
        description = "Layer weights saved by `lager tune` or --save-weights, instead of tuning.")
    Path weights;
  }

  @Option(names = "--ablation",
      description = "Print the ten scores of the reference's ablation list (paper Table 2).")
  boolean ablation;

  @Option(names = "--json", paramLabel = "OUT", description = "Also write the table as JSON.")
  Path json;

  @Option(names = "--save-weights", paramLabel = "OUT", description = "Save the tuned weights.")
  Path saveWeights;

  @Option(names = "--plots", paramLabel = "DIR",
      description = "Write " + Charts.LAYERS + " and " + Charts.HISTOGRAM + " (and, with"
          + " --bootstrap, " + Charts.INTERVALS + ") into DIR.")
  Path plots;

  @Option(names = "--overwrite",
      description = "Replace existing output files instead of refusing to.")
  boolean overwrite;

  @Option(names = "--human-range", paramLabel = "MIN:MAX",
      description = "The values human scores may take (default: the results' label set, its"
          + " smallest to its largest value); a score outside it is an error naming the sample.")
  String humanRange;

  @Option(names = "--judgment", paramLabel = "KIND",
      description = "absolute (correlations with the human scores) or pairwise (accuracy, Cohen's"
          + " kappa, swap consistency against the human majority). Default: pairwise for results"
          + " on a pairwise label set (values 0 = A better, 1 = tie, 2 = B better), else"
          + " absolute.")
  Judgment judgment;

  /** How the judgments are evaluated. */
  enum Judgment { ABSOLUTE, PAIRWISE }

  @Option(names = "--reuse-weights",
      description = "Use --weights (or weights tuned on --valid) tuned on another label set.")
  boolean reuseWeights;

  @Option(names = "--skip-bad",
      description = "Unusable samples are left out and listed either way; with this the exit"
          + " status is 0 rather than 3.")
  boolean skipBad;

  @Mixin
  TunerOptions tuner;

  @Mixin
  StatisticsOptions statistics;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    statistics.check();
    boolean bundled = data.isEmpty();
    if (bundled && weightsSource != null) {
      throw OptionChecks.bad("--data", "--valid and --weights need --data: the bundled sample is"
          + " evaluated with its own validation file");
    }
    HumanRange declaredRange = humanRange != null ? HumanRange.parse(humanRange) : null;
    checkOutputs();
    List<ResultsInput> inputs = new ArrayList<>();
    if (bundled) {
      out.println("No --data given: evaluating the bundled sample results of the tiny-llama"
          + " fixture (random-weight judge, project-annotated human scores).");
      inputs.add(ResultsInput.bundled(ResultsInput.BUNDLED_DATA));
    } else {
      for (Path p : data) {
        inputs.add(ResultsInput.file(p));
      }
    }
    ResultsInput valid = bundled ? ResultsInput.bundled(ResultsInput.BUNDLED_VALID)
        : weightsSource != null && weightsSource.valid != null
            ? ResultsInput.file(weightsSource.valid) : null;
    List<ResultsInput> all = new ArrayList<>(inputs);
    if (valid != null) {
      all.add(valid);
    }
    int skipped = 0;
    for (ResultsInput in : all) {
      in.problems().forEach(p -> spec.commandLine().getErr().println("skipped " + p));
      skipped += in.problems().size();
    }
    ScoreScale scale = HumanScoredData.check(all.stream()
        .map(i -> new SampleSets.Source(i.name(), i.samples())).toList(), declaredRange).scale();
    boolean pairwise = judgment != null ? judgment == Judgment.PAIRWISE : scale.isPairwise();
    if (pairwise) {
      PairwiseScore.checkPairwise(scale);
      refuseForPairwise();
    }
    SampleSets.Merged merged = SampleSets.mergeByIdx(inputs.stream()
        .map(i -> new SampleSets.Source(i.name(), i.samples())).toList());
    out.printf("data: %d file%s, %d unique samples%s%n", inputs.size(),
        inputs.size() == 1 ? "" : "s", merged.samples().size(),
        merged.duplicatesDropped() > 0
            ? " (" + merged.duplicatesDropped() + " repeated idx dropped)" : "");

    List<ScoredSample> samples = merged.samples();
    LayerWeights weights = null;
    String weightsName = null;
    int leftOut = 0;
    if (valid != null) {
      Set<Long> validIdx = valid.samples().stream().map(ScoredSample::idx)
          .collect(Collectors.toSet());
      SampleSets.Split split = SampleSets.leaveOut(samples, validIdx);
      samples = split.kept();
      leftOut = split.leftOut();
      out.printf("left out %d sample%s whose idx is in the validation file %s%n", leftOut,
          leftOut == 1 ? "" : "s", valid.name());
      TrainingData training = TrainingData.fromSamples(valid.samples(), valid.name(), valid.sha256());
      TuningResult tuned = new LayerWeightTuner(tuner.config()).tune(training);
      weights = tuned.weights();
      weightsName = valid.name();
      out.printf("tuned %d layer weights on %d samples of %s (%s)%n", weights.size(),
          training.examples().size(), valid.name(), tuner.describe());
    } else if (weightsSource != null) {
      weights = LayerWeightsJson.read(weightsSource.weights);
      weightsName = weightsSource.weights.toString();
      out.printf("layer weights: %s%n", weightsName);
    } else {
      out.println("no --valid or --weights: lager_w (tuned) is not computed");
    }
    if (weights != null && saveWeights != null) {
      LayerWeightsJson.write(saveWeights, weights);
      out.println("saved layer weights to " + saveWeights);
    }

    List<ScoreMethod> methods = new ArrayList<>(ablation ? ScoreMethod.ABLATION : ScoreMethod.MAIN);
    if (weights == null) {
      methods.removeIf(ScoreMethod::isTuned);
    }
    if (pairwise) {
      PairwiseEvaluation.Report report = PairwiseEvaluation.evaluate(samples, methods, weights,
          weightsName, reuseWeights);
      PairwiseTable.print(report, out);
      if (json != null) {
        ReportJson.writePairwise(json, report, entries(samples), leftOut,
            merged.duplicatesDropped(), weights);
        out.println("wrote " + json);
      }
      return exit(skipped, out);
    }
    ScoreColumns columns = ScoreColumns.of(samples, methods, weights, weightsName, reuseWeights);
    statistics.checkData(columns, inputs); // before any table prints
    if (!columns.hasHumanScores() && statistics.answerability()) {
      statistics.checkWithoutHumanScores(plots != null);
      out.printf("%d valid samples (%d invalid skipped); not every sample has a human score, so"
          + " only answerability is reported%n", columns.n(), columns.skippedInvalid());
      JsonObject sections = statistics.runAnswerability(columns, inputs, out);
      if (json != null) {
        ReportJson.writeWithoutCorrelations(json, columns, leftOut, merged.duplicatesDropped(),
            sections);
        out.println("wrote " + json);
      }
      return 0;
    }
    EvaluationReport report = Evaluation.evaluate(columns);
    out.printf("evaluated %d samples (%d invalid skipped: no score token), %d hidden-state"
        + " entries, labels %s%n", report.n(), report.skippedInvalid(), report.entries(),
        report.scale().describe());
    out.print(ReportTable.render(report));
    JsonObject sections = statistics.run(columns, inputs, tuner.seed, out,
        spec.commandLine().getErr(), plots);
    if (json != null) {
      ReportJson.write(json, report, leftOut, merged.duplicatesDropped(), weights, sections);
      out.println("wrote " + json);
    }
    if (plots != null) {
      out.println("wrote " + Charts.layerCurve(plots, report));
      out.println("wrote " + Charts.histogram(plots, report.scale(), columns.idx(),
          histogramSeries(columns)));
    }
    return exit(skipped, out);
  }

  private int exit(int skipped, PrintWriter out) {
    return LagerCli.skippedExit(skipped, skipBad, out);
  }

  /** The statistics of absolute judgments are refused for pairwise ones, naming the option. */
  private void refuseForPairwise() {
    List<String> absoluteOnly = statistics.requested();
    if (plots != null) {
      absoluteOnly.add("--plots");
    }
    if (!absoluteOnly.isEmpty()) {
      throw new InvalidInputException(String.join(", ", absoluteOnly) + (absoluteOnly.size() == 1
          ? " is" : " are") + " for absolute judgments (correlations with human scores); these"
          + " results are pairwise, for which evaluate reports accuracy, Cohen's kappa and swap"
          + " consistency (--judgment absolute reads them as a 0-2 scale)");
    }
  }

  /** Hidden-state entries of the first valid sample (0 when none is valid). */
  private static int entries(List<ScoredSample> samples) {
    return samples.stream().filter(ScoredSample::isValid).findFirst()
        .map(s -> s.logits().orElseThrow().entries()).orElse(0);
  }

  /** Outputs are checked before any work: none is an input, each can be written. */
  private void checkOutputs() {
    Map<String, Path> in = new LinkedHashMap<>();
    for (int i = 0; i < data.size(); i++) {
      in.put(data.size() == 1 ? "--data" : "--data (file " + (i + 1) + ")", data.get(i));
    }
    if (weightsSource != null) {
      in.put("--valid", weightsSource.valid);
      in.put("--weights", weightsSource.weights);
    }
    if (statistics.calibration != null) {
      in.put("--calibration", statistics.calibration.file);
    }
    Map<String, Path> outs = new LinkedHashMap<>();
    outs.put("--json", json);
    outs.put("--save-weights", saveWeights);
    if (statistics.bootstrap > 0) {
      OutputPaths.plots(outs, plots, Charts.LAYERS, Charts.HISTOGRAM, Charts.INTERVALS);
    } else {
      OutputPaths.plots(outs, plots, Charts.LAYERS, Charts.HISTOGRAM);
    }
    OutputPaths.check(in, outs, overwrite);
  }

  /**
   * The human scores and the expected-value scores. The E-score is recomputed from the logits in
   * double precision: the stored one (the reference's bf16) can exceed the scale (83 of 539 on
   * FLASK are above 5.0), and the histogram refuses values outside it. direct_score is an
   * integer and left out.
   */
  private static Map<String, double[]> histogramSeries(ScoreColumns columns) {
    Map<String, double[]> series = new LinkedHashMap<>();
    series.put("human (mean)", columns.human());
    series.put("e_score (from the logits)", columns.samples().stream()
        .mapToDouble(s -> ScoreMethod.E_SCORE.score(s.logits().orElseThrow(), null, s.labels()))
        .toArray());
    for (ScoreMethod m : List.of(ScoreMethod.LAGER_WO, ScoreMethod.LAGER_W)) {
      if (columns.has(m)) {
        series.put(m.key(), columns.scores(m));
      }
    }
    return series;
  }
}
