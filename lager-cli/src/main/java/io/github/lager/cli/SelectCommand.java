package io.github.lager.cli;

import com.google.gson.JsonObject;
import io.github.lager.core.InvalidInputException;
import io.github.lager.core.eval.HumanRange;
import io.github.lager.core.eval.HumanScoredData;
import io.github.lager.core.eval.SampleSets;
import io.github.lager.core.eval.Selection;
import io.github.lager.core.io.InputLines;
import io.github.lager.core.io.LayerWeightsJson;
import io.github.lager.core.io.OutputFile;
import io.github.lager.core.math.LayerWeights;
import io.github.lager.core.math.ScoreMethod;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
      description = "Write " + Charts.SELECTION + " (mean human score of each selection) into"
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
    LayerWeights w = weights == null ? null : LayerWeightsJson.read(weights);
    List<String> problems = new ArrayList<>();
    List<SampleSets.Source> aspects = aspects(pw, problems);
    problems.forEach(p -> spec.commandLine().getErr().println("skipped " + p));
    HumanScoredData.check(aspects, declaredRange);
    List<ScoreMethod> methods = new ArrayList<>(ScoreMethod.MAIN);
    if (w == null) {
      methods.removeIf(ScoreMethod::isTuned);
    }
    Selection.Report r = Selection.select(aspects, by, methods, w,
        weights == null ? null : weights.toString(), reuseWeights, rule);
    pw.printf("ranked %d valid samples by %s%s (%d invalid skipped: no score token); ties broken"
        + " by the smaller idx%n", r.n(), by.key(), r.aspects() > 1
            ? ", the mean z-score over " + r.aspects() + " aspects" : "", r.skippedInvalid());
    pw.printf("kept the %s samples%n", rule.describe(r.n()));
    pw.print(ReportTable.table(rows(r)));
    if (r.meanHumanAll().isEmpty()) {
      pw.println("not every sample has a human score: no mean human score to report");
    }
    if (out != null) {
      int written = writeSelected(r.selected().selectedIdx());
      pw.printf("wrote %d selected lines of %s to %s%n", written, inputs, out);
    }
    if (json != null) {
      JsonObject report = StatisticsJson.selection(r);
      if (out != null) {
        report.addProperty("out", out.toString());
      }
      ReportJson.save(json, report);
      pw.println("wrote " + json);
    }
    if (plots != null) {
      if (r.meanHumanAll().isEmpty()) {
        throw new InvalidInputException("--plots shows mean human scores: every sample needs"
            + " one");
      }
      pw.println("wrote " + Charts.selection(plots, r));
    }
    return LagerCli.skippedExit(problems.size(), skipBad, pw);
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
    OutputPaths.plots(outs, plots, Charts.SELECTION);
    OutputPaths.check(in, outs, overwrite);
  }

  private List<SampleSets.Source> aspects(PrintWriter pw, List<String> problems) {
    List<SampleSets.Source> aspects = new ArrayList<>();
    if (sources == null) {
      pw.println("No --data or --aspect given: ranking the bundled sample results of the"
          + " tiny-llama fixture (random-weight judge, project-annotated human scores).");
      ResultsInput in = ResultsInput.bundled(ResultsInput.BUNDLED_DATA);
      problems.addAll(in.problems());
      aspects.add(new SampleSets.Source(in.name(), in.samples()));
    } else if (sources.data != null) {
      List<SampleSets.Source> files = new ArrayList<>();
      for (Path p : sources.data) {
        ResultsInput in = ResultsInput.file(p);
        problems.addAll(in.problems());
        files.add(new SampleSets.Source(in.name(), in.samples()));
      }
      SampleSets.Merged merged = SampleSets.mergeByIdx(files);
      pw.printf("data: %d file%s, %d unique samples%s%n", files.size(),
          files.size() == 1 ? "" : "s", merged.samples().size(), merged.duplicatesDropped() > 0
              ? " (" + merged.duplicatesDropped() + " repeated idx dropped)" : "");
      aspects.add(new SampleSets.Source(files.size() == 1 ? files.get(0).name()
          : String.join(" + ", sources.data.stream().map(Path::toString).toList()),
          merged.samples()));
    } else {
      for (Path p : sources.aspects) {
        ResultsInput in = ResultsInput.file(p);
        problems.addAll(in.problems());
        aspects.add(new SampleSets.Source(in.name(), in.samples()));
      }
      pw.printf("aspects: %d files%n", aspects.size());
    }
    return aspects;
  }

  private static List<String[]> rows(Selection.Report r) {
    boolean human = r.meanHumanAll().isPresent();
    List<String[]> rows = new ArrayList<>();
    rows.add(human ? new String[] {"selected by", "selected", "mean human selected",
        "overlap with " + r.by().key()}
        : new String[] {"selected by", "selected", "overlap with " + r.by().key()});
    for (Map.Entry<ScoreMethod, Selection.Choice> e : r.selections().entrySet()) {
      Selection.Choice c = e.getValue();
      String name = e.getKey().key() + (e.getKey() == r.by() ? " (ranking)" : "");
      String size = Integer.toString(c.selectedIdx().size());
      String overlap = Integer.toString(c.overlap());
      rows.add(human ? new String[] {name, size,
          ReportTable.fmt(c.meanHumanSelected().orElseThrow()), overlap}
          : new String[] {name, size, overlap});
    }
    if (human) {
      rows.add(new String[] {"all samples", Integer.toString(r.n()),
          ReportTable.fmt(r.meanHumanAll().getAsDouble()), ""});
    }
    return rows;
  }

  /** Copies the selected lines of --inputs to --out in file order; returns how many. */
  private int writeSelected(List<Long> selected) {
    Map<Long, String> lines = InputLines.read(inputs);
    Set<Long> wanted = new HashSet<>(selected);
    for (long idx : selected) {
      if (!lines.containsKey(idx)) {
        throw new InvalidInputException("idx " + idx + " is selected but " + inputs
            + " has no line with that idx (are these the inputs that were judged?)");
      }
    }
    StringBuilder selectedLines = new StringBuilder();
    int written = 0;
    for (Map.Entry<Long, String> e : lines.entrySet()) {
      if (wanted.contains(e.getKey())) {
        selectedLines.append(e.getValue()).append('\n');
        written++;
      }
    }
    OutputFile.replacing(out).writeString(selectedLines.toString());
    return written;
  }
}
