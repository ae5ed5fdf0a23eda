package io.github.lager.cli;

import io.github.lager.core.InvalidInputException;
import io.github.lager.core.math.ScoreMethod;
import io.github.lager.eval.DataSelection;
import io.github.lager.eval.ResultsInput;
import io.github.lager.eval.Selection;
import io.github.lager.eval.report.ConsoleReport;
import io.github.lager.eval.report.ReportCharts;
import io.github.lager.eval.report.ReportJson;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lager select}: data selection with a judge. Ranks the valid samples of results files by
 * a score (or several aspects by mean z-score), keeps the top fraction or count, and writes the
 * selected input lines and a report comparing the selection with every other score's.
 */
@Command(name = "select", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Rank results by a score and keep the best (the paper's instruction-data selection);"
            + " every other score's selection of the same size is reported as a baseline, with"
            + " the mean human score of each when the samples have human scores.",
        "With no --data or --aspect, ranks the sample results bundled with lager."})
final class SelectCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @ArgGroup(exclusive = true)
  Sources sources;

  static final class Sources {
    @Option(names = "--data", arity = "1..*", paramLabel = "FILE",
        description = "Results files of one judgment, merged by idx (duplicates dropped).")
    List<Path> data;

    @Option(names = "--aspect", paramLabel = "FILE",
        description = "Results file of one aspect (repeat for each); the same samples judged on"
            + " every aspect, combined by the mean of each aspect's z-scores.")
    List<Path> aspects;
  }

  @Option(names = "--score", paramLabel = "SCORE", defaultValue = "lager_wo",
      description = "Ranking score: direct_score, e_score, lager_wo, lager_w (default"
          + " ${DEFAULT-VALUE}).")
  String score;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Amount amount;

  static final class Amount {
    @Option(names = "--top-frac", paramLabel = "FRAC",
        description = "Keep the top FRAC of the valid samples (rounded up), 0 < FRAC <= 1.")
    Double fraction;

    @Option(names = "--top-n", paramLabel = "N", description = "Keep the top N samples.")
    Integer count;
  }

  @Option(names = "--weights", paramLabel = "FILE",
      description = "Layer weights (lager tune): adds lager_w.")
  Path weights;

  @Option(names = "--reuse-weights",
      description = "Use --weights tuned on another label set.")
  boolean reuseWeights;

  @Option(names = "--inputs", paramLabel = "FILE.jsonl",
      description = "The judged inputs (JSON Lines; idx = the line's idx field, else its"
          + " position); --out copies the selected lines from it.")
  Path inputs;

  @Option(names = "--out", paramLabel = "OUT.jsonl",
      description = "Write the selected lines of --inputs, exactly as written, in file order.")
  Path out;

  @Option(names = "--json", paramLabel = "REPORT", description = "Write the report as JSON.")
  Path json;

  @Option(names = "--plots", paramLabel = "DIR",
      description = "Write " + ReportCharts.SELECTION + " (mean human score of each selection) into"
          + " DIR.")
  Path plots;

  @Override
  public Integer call() {
    PrintWriter pw = spec.commandLine().getOut();
    if (out != null && inputs == null) {
      throw new IllegalArgumentException("--out writes the selected input lines: give the judged"
          + " inputs with --inputs FILE.jsonl");
    }
    Selection.Rule rule = amount.fraction != null ? Selection.Rule.topFraction(amount.fraction)
        : Selection.Rule.topCount(amount.count);
    ScoreMethod by = StatisticsOptions.score(score, "--score");
    DataSelection selection;
    if (sources == null) {
      pw.println("No --data or --aspect given: ranking the bundled sample results of the"
          + " tiny-llama fixture (random-weight judge, project-annotated human scores).");
      selection = DataSelection.ofAspects(List.of(BundledSamples.read(BundledSamples.DATA)));
    } else if (sources.data != null) {
      selection = DataSelection.of(sources.data.stream().map(ResultsInput::file).toList());
    } else {
      selection = DataSelection.ofAspects(sources.aspects.stream().map(ResultsInput::file)
          .toList());
    }
    DataSelection.Result r = selection.by(by).rule(rule).weights(weights)
        .reuseWeights(reuseWeights).run();
    if (plots != null && r.report().meanHumanAll().isEmpty()) {
      throw new InvalidInputException("--plots shows mean human scores: every sample needs one");
    }
    int written = out != null
        ? DataSelection.copySelected(inputs, out, r.report().selected().selectedIdx()) : 0;
    if (json != null) {
      ReportJson.writeSelection(json, r.report(), out);
    }
    Path chart = plots != null ? ReportCharts.selection(plots, r.report()) : null;
    ConsoleReport.selection(r, sources != null && sources.aspects != null, pw);
    if (out != null) {
      pw.printf("wrote %d selected lines of %s to %s%n", written, inputs, out);
    }
    if (json != null) {
      pw.println("wrote " + json);
    }
    if (chart != null) {
      pw.println("wrote " + chart);
    }
    return 0;
  }
}
