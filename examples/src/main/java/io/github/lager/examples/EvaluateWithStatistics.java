package io.github.lager.examples;

import io.github.lager.core.calibration.CalibrationMethod;
import io.github.lager.eval.Report;
import io.github.lager.eval.ResultsEvaluation;
import io.github.lager.eval.report.ConsoleReport;
import io.github.lager.eval.report.ReportJson;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code lager evaluate --data DATA --valid VALID --bootstrap 200 --calibrate isotonic --json
 * REPORT} through the library: the same report, the same JSON bytes.
 *
 * <pre>
 *   EvaluateWithStatistics DATA.json VALID.json REPORT.json
 * </pre>
 */
public final class EvaluateWithStatistics {
  private EvaluateWithStatistics() {}

  public static void main(String[] args) {
    Report report = ResultsEvaluation.of(Path.of(args[0])).valid(Path.of(args[1]))
        .bootstrap(200).calibrate(CalibrationMethod.ISOTONIC, 5).run();
    ReportJson.write(Path.of(args[2]), report);
    ConsoleReport.print(report, new PrintWriter(System.out, true), Path.of(args[2]), List.of());
  }
}
