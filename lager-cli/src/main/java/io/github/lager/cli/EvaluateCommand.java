package io.github.lager.cli;

import io.github.lager.eval.HumanRange;
import io.github.lager.eval.Report;
import io.github.lager.eval.ResultsEvaluation;
import io.github.lager.eval.ResultsInput;
import io.github.lager.eval.report.ConsoleReport;
import io.github.lager.eval.report.ReportCharts;
import io.github.lager.eval.report.ReportJson;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
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
      description = "Write " + ReportCharts.LAYERS + " and " + ReportCharts.HISTOGRAM + " (and, with"
          + " --bootstrap, " + ReportCharts.INTERVALS + ") into DIR.")
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
  ResultsEvaluation.Judgment judgment;


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
      inputs.add(BundledSamples.read(BundledSamples.DATA));
    } else {
      for (Path p : data) {
        inputs.add(ResultsInput.file(p));
      }
    }
    ResultsInput valid = bundled ? BundledSamples.read(BundledSamples.VALID)
        : weightsSource != null && weightsSource.valid != null
            ? ResultsInput.file(weightsSource.valid) : null;
    PrintWriter err = spec.commandLine().getErr();
    inputs.forEach(in -> in.problems().forEach(p -> err.println("skipped " + p)));
    if (valid != null) {
      valid.problems().forEach(p -> err.println("skipped " + p));
    }
    ResultsEvaluation evaluation = statistics.apply(ResultsEvaluation.of(inputs).valid(valid)
        .weights(weightsSource == null ? null : weightsSource.weights).saveWeights(saveWeights)
        .ablation(ablation).humanRange(declaredRange).judgment(judgment)
        .reuseWeights(reuseWeights).tuner(tuner.config())
        .progress(total -> ProgressReporter.create("bootstrap", "resamples", total, err, false)));
    Report report = evaluation.run(plots != null);
    if (json != null) {
      ReportJson.write(json, report);
    }
    List<Path> charts = plots != null ? ReportCharts.write(plots, report) : List.of();
    ConsoleReport.print(report, out, json, charts);
    if (!report.isPairwise() && report.correlations().isEmpty()) {
      return LagerCli.EXIT_OK; // answerability alone: as before, skipped samples do not exit 3
    }
    return SkippedExit.samples(report.skipped().size(), skipBad, out);
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
      OutputPaths.plots(outs, plots, ReportCharts.LAYERS, ReportCharts.HISTOGRAM,
          ReportCharts.INTERVALS);
    } else {
      OutputPaths.plots(outs, plots, ReportCharts.LAYERS, ReportCharts.HISTOGRAM);
    }
    OutputPaths.check(in, outs, overwrite);
  }
}
