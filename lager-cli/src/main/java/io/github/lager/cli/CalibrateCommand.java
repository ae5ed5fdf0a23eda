package io.github.lager.cli;

import io.github.lager.core.eval.Calibration;
import io.github.lager.core.eval.CalibrationMap;
import io.github.lager.core.eval.CalibrationMethod;
import io.github.lager.core.eval.CalibrationReport;
import io.github.lager.core.eval.HumanRange;
import io.github.lager.core.eval.HumanScoredData;
import io.github.lager.core.eval.SampleSets;
import io.github.lager.core.eval.ScoreColumns;
import io.github.lager.core.io.CalibrationJson;
import io.github.lager.core.io.LayerWeightsJson;
import io.github.lager.core.math.LayerWeights;
import io.github.lager.core.math.ScoreMethod;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lager calibrate}: fit a monotone map from each score to the human scale on labelled
 * results and save it with provenance, for {@code evaluate --calibration} and {@code score
 * --calibration}.
 */
@Command(name = "calibrate", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Fit a monotone calibration map (linear or isotonic) from each score to the"
        + " human scale on labelled results and save it with provenance, for `lager evaluate"
        + " --calibration` and `lager score --calibration`.")
final class CalibrateCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--method", required = true, paramLabel = "METHOD",
      description = "linear (least squares, slope >= 0) or isotonic (pool adjacent violators).")
  String method;

  @Option(names = "--data", required = true, paramLabel = "VALID.json",
      description = "Results file with human scores (e.g. the validation file of `lager tune`).")
  Path data;

  @Option(names = "--out", required = true, paramLabel = "OUT",
      description = "Calibration file to write.")
  Path out;

  @Option(names = "--overwrite",
      description = "Replace existing output files instead of refusing to.")
  boolean overwrite;

  @Option(names = "--human-range", paramLabel = "MIN:MAX",
      description = "The values human scores may take (default: the results' label set, its"
          + " smallest to its largest value); a score outside it is an error naming the sample.")
  String humanRange;

  @Option(names = "--skip-bad",
      description = "Unusable samples are left out and listed either way; with this the exit"
          + " status is 0 rather than 3.")
  boolean skipBad;

  @Option(names = "--weights", paramLabel = "FILE",
      description = "Layer weights (lager tune): also calibrates lager_w.")
  Path weights;

  @Option(names = "--reuse-weights",
      description = "Use --weights tuned on another label set.")
  boolean reuseWeights;

  @Option(names = "--plots", paramLabel = "DIR",
      description = "Write " + Charts.CALIBRATION + " (scores against human scores, with the"
          + " map) into DIR.")
  Path plots;

  @Override
  public Integer call() {
    PrintWriter pw = spec.commandLine().getOut();
    CalibrationMethod m;
    try {
      m = CalibrationMethod.byKey(method);
    } catch (IllegalArgumentException e) {
      throw OptionChecks.bad("--method", "--method: " + e.getMessage());
    }
    HumanRange declaredRange = humanRange != null ? HumanRange.parse(humanRange) : null;
    Map<String, Path> inputs = new LinkedHashMap<>();
    inputs.put("--data", data);
    inputs.put("--weights", weights);
    Map<String, Path> outputs = new LinkedHashMap<>();
    outputs.put("--out", out);
    OutputPaths.plots(outputs, plots, Charts.CALIBRATION);
    OutputPaths.check(inputs, outputs, overwrite);
    ResultsInput input = ResultsInput.file(data);
    input.problems().forEach(p -> spec.commandLine().getErr().println("skipped " + p));
    HumanScoredData.check(List.of(new SampleSets.Source(input.name(), input.samples())),
        declaredRange);
    LayerWeights w = weights == null ? null : LayerWeightsJson.read(weights);
    List<ScoreMethod> methods = new ArrayList<>(ScoreMethod.MAIN);
    if (w == null) {
      methods.removeIf(ScoreMethod::isTuned);
    }
    String weightsName = weights == null ? null : weights.toString();
    ScoreColumns columns = ScoreColumns.of(input.samples(), methods, w, weightsName,
        reuseWeights);
    Calibration calibration = Calibration.fit(columns, m, input.name(), input.sha256(),
        weightsName);
    pw.printf("fitted %s calibration maps on %d samples of %s (%d invalid skipped), labels %s%n",
        m.key(), columns.n(), input.name(), columns.skippedInvalid(), columns.scale().describe());
    calibration.maps().forEach((score, map) -> pw.println("  " + score.key() + ": "
        + describe(map)));
    CalibrationReport fit = calibration.evaluate(columns, "in-sample");
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"score_type", "mae", "mae calibrated", "rmse", "rmse calibrated"});
    fit.rows().forEach((score, r) -> rows.add(new String[] {score.key(),
        ReportTable.fmt(r.before().mae()), ReportTable.fmt(r.after().mae()),
        ReportTable.fmt(r.before().rmse()), ReportTable.fmt(r.after().rmse())}));
    pw.println("on the data fitted on (in-sample; `lager evaluate --calibrate " + m.key()
        + " --cv K` estimates the errors on unseen samples):");
    pw.print(ReportTable.table(rows));
    CalibrationJson.write(out, calibration);
    pw.println("wrote " + out);
    if (plots != null) {
      Map<ScoreMethod, double[]> scores = new LinkedHashMap<>();
      calibration.maps().keySet().forEach(s -> scores.put(s, columns.scores(s)));
      pw.println("wrote " + Charts.calibration(plots, m.key(), scores, columns.human(),
          calibration.maps(), columns.scale()));
    }
    return LagerCli.skippedExit(input.problems().size(), skipBad, pw);
  }

  private static String describe(CalibrationMap map) {
    if (map instanceof CalibrationMap.Linear l) {
      return String.format(Locale.ROOT, "human = %.4f + %.4f x score", l.intercept(), l.slope())
          + (l.slope() == 0 ? " (the least-squares slope is negative: the score ranks against"
              + " the humans here; a flat map at the mean human score, never a reversed one)"
              : "");
    }
    CalibrationMap.Isotonic i = (CalibrationMap.Isotonic) map;
    double[] y = i.y();
    return String.format(Locale.ROOT, "non-decreasing steps through %d knots, from %.4f (score"
        + " <= %.4f) to %.4f (score >= %.4f)", y.length, y[0], i.x()[0], y[y.length - 1],
        i.x()[y.length - 1]);
  }
}
