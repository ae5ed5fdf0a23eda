package io.github.lager.cli;

import io.github.lager.core.calibration.CalibrationJson;
import io.github.lager.core.calibration.CalibrationMethod;
import io.github.lager.core.math.ScoreMethod;
import io.github.lager.eval.CalibrationFit;
import io.github.lager.eval.HumanRange;
import io.github.lager.eval.ResultsInput;
import io.github.lager.eval.report.ConsoleReport;
import io.github.lager.eval.report.ReportCharts;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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
      description = "Write " + ReportCharts.CALIBRATION + " (scores against human scores, with the"
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
    OutputPaths.plots(outputs, plots, ReportCharts.CALIBRATION);
    OutputPaths.check(inputs, outputs, overwrite);
    ResultsInput input = ResultsInput.file(data);
    input.problems().forEach(p -> spec.commandLine().getErr().println("skipped " + p));
    CalibrationFit.Fitted fitted = CalibrationFit.fit(input, m, weights,
        reuseWeights, declaredRange);
    ConsoleReport.calibrationFit(fitted, data.toString(), pw);
    CalibrationJson.write(out, fitted.calibration());
    pw.println("wrote " + out);
    if (plots != null) {
      Map<ScoreMethod, double[]> scores = new LinkedHashMap<>();
      fitted.calibration().maps().keySet().forEach(s -> scores.put(s, fitted.columns().scores(s)));
      pw.println("wrote " + ReportCharts.calibration(plots, m.key(), scores,
          fitted.columns().human(), fitted.calibration().maps(), fitted.columns().labelSet()));
    }
    return SkippedExit.samples(input.problems().size(), skipBad, pw);
  }
}
