package io.github.lager.cli;

import io.github.lager.core.InvalidInputException;
import io.github.lager.core.math.ScoreMethod;
import io.github.lager.eval.DataSelection;
import io.github.lager.eval.HumanRange;
import io.github.lager.eval.ResultsInput;
import io.github.lager.eval.Selection;
import io.github.lager.eval.report.ConsoleReport;
import io.github.lager.eval.report.ReportCharts;
import io.github.lager.eval.report.ReportJson;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  @Option(names = "--human-range", paramLabel = "MIN:MAX",
      description = "The values human scores may take (default: the results' label set, its"
          + " smallest to its largest value); a score outside it is an error naming the sample.")
  String humanRange;

  @Option(names = "--skip-bad",
      description = "Unusable samples are left out and listed either way; with this the exit"
          + " status is 0 rather than 3.")
  boolean skipBad;

  @Option(names = "--overwrite",
      description = "Replace existing output files instead of refusing to.")
  boolean overwrite;

  @Option(names = "--plots", paramLabel = "DIR",
      description = "Write " + ReportCharts.SELECTION + " (mean human score of each selection) into"
          + " DIR.")
  Path plots;

  @Override
  public Integer call() {
    PrintWriter pw = spec.commandLine().getOut();
    if (out != null && inputs == null) {
      throw OptionChecks.bad("--out", "--out writes the selected input lines: give the judged"
          + " inputs with --inputs FILE.jsonl");
    }
    if (amount.fraction != null) {
      OptionChecks.between("--top-frac", amount.fraction, 0, false, 1, true);
    } else {
      OptionChecks.atLeast("--top-n", amount.count, 1);
    }
    Selection.Rule rule = amount.fraction != null ? Selection.Rule.topFraction(amount.fraction)
        : Selection.Rule.topCount(amount.count);
    ScoreMethod by = StatisticsOptions.score(score, "--score");
    if (by.isTuned() && weights == null) {
      throw OptionChecks.bad("--score", "--score " + by.key() + " needs --weights");
    }
    HumanRange declaredRange = humanRange != null ? HumanRange.parse(humanRange) : null;
    checkOutputs();
    DataSelection selection;
    List<ResultsInput> files;
    if (sources == null) {
      pw.println("No --data or --aspect given: ranking the bundled sample results of the"
          + " tiny-llama fixture (random-weight judge, project-annotated human scores).");
      files = List.of(BundledSamples.read(BundledSamples.DATA));
      selection = DataSelection.ofAspects(files);
    } else if (sources.data != null) {
      files = sources.data.stream().map(ResultsInput::file).toList();
      selection = DataSelection.of(files);
    } else {
      files = sources.aspects.stream().map(ResultsInput::file).toList();
      selection = DataSelection.ofAspects(files);
    }
    int skipped = 0;
    for (ResultsInput f : files) {
      f.problems().forEach(p -> spec.commandLine().getErr().println("skipped " + p));
      skipped += f.problems().size();
    }
    DataSelection.Result r = selection.by(by).rule(rule).weights(weights)
        .reuseWeights(reuseWeights).humanRange(declaredRange).run();
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
    return SkippedExit.samples(skipped, skipBad, pw);
  }

  /** Outputs are checked before any work: none is an input, none exists unless --overwrite. */
  private void checkOutputs() {
    Map<String, Path> in = new LinkedHashMap<>();
    List<Path> files = sources == null ? List.of()
        : sources.data != null ? sources.data : sources.aspects;
    String option = sources != null && sources.data != null ? "--data" : "--aspect";
    for (int i = 0; i < files.size(); i++) {
      in.put(files.size() == 1 ? option : option + " (file " + (i + 1) + ")", files.get(i));
    }
    in.put("--weights", weights);
    in.put("--inputs", inputs);
    Map<String, Path> outs = new LinkedHashMap<>();
    outs.put("--out", out);
    outs.put("--json", json);
    OutputPaths.plots(outs, plots, ReportCharts.SELECTION);
    OutputPaths.check(in, outs, overwrite);
  }
}
