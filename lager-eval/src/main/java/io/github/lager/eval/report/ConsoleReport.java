package io.github.lager.eval.report;

import io.github.lager.core.calibration.Calibration;
import io.github.lager.core.calibration.CalibrationMap;
import io.github.lager.core.math.ScoreMethod;
import io.github.lager.eval.BootstrapReport;
import io.github.lager.eval.CalibrationFit;
import io.github.lager.eval.CalibrationReport;
import io.github.lager.eval.Comparison;
import io.github.lager.eval.CorrelationKind;
import io.github.lager.eval.CorrelationRow;
import io.github.lager.eval.DataSelection;
import io.github.lager.eval.EvaluationReport;
import io.github.lager.eval.Groups;
import io.github.lager.eval.HumanCeiling;
import io.github.lager.eval.Interval;
import io.github.lager.eval.Report;
import io.github.lager.eval.ScoreColumns;
import io.github.lager.eval.Selection;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A {@link Report} on the console, as {@code lager evaluate} prints it: what was evaluated, the
 * correlation table (PrettyTable style, four decimals) or the pairwise agreement, then each
 * statistic; a {@code wrote FILE} line for each output written, where it belongs.
 */
public final class ConsoleReport {
  private ConsoleReport() {}

  /**
   * @param json the JSON report written (null: none)
   * @param charts the charts written ({@link ReportCharts#write}; empty: none)
   */
  public static void print(Report r, PrintWriter out, Path json, List<Path> charts) {
    out.printf("data: %d file%s, %d unique samples%s%n", r.files(), r.files() == 1 ? "" : "s",
        r.uniqueSamples(), r.duplicatesDropped() > 0
            ? " (" + r.duplicatesDropped() + " repeated idx dropped)" : "");
    Report.Weights w = r.weights();
    switch (w.source()) {
      case TUNED -> {
        out.printf("left out %d sample%s whose idx is in the validation file %s%n", r.leftOut(),
            r.leftOut() == 1 ? "" : "s", w.name());
        out.printf("tuned %d layer weights on %d samples of %s (%s)%n", w.weights().size(),
            w.validSamples(), w.name(), w.tuner());
      }
      case FILE -> out.printf("layer weights: %s%n", w.name());
      default -> out.println("no --valid or --weights: lager_w (tuned) is not computed");
    }
    if (w.saved() != null) {
      out.println("saved layer weights to " + w.saved());
    }
    if (r.pairwise().isPresent()) {
      PairwiseTable.print(r.pairwise().get(), out);
      wrote(json, out);
      return;
    }
    ScoreColumns columns = r.columns();
    if (r.correlations().isEmpty()) {
      out.printf("%d valid samples (%d invalid skipped); not every sample has a human score, so"
          + " only answerability is reported%n", columns.n(), columns.skippedInvalid());
      r.answerability().ifPresent(a -> answerability(a, columns.n(), out));
      wrote(json, out);
      return;
    }
    EvaluationReport report = r.correlations().get();
    out.printf("evaluated %d samples (%d invalid skipped: no score token), %d hidden-state"
        + " entries, labels %s%n", report.n(), report.skippedInvalid(), report.entries(),
        report.labelSet().describe());
    out.print(ReportTable.render(report));
    r.ceiling().ifPresent(c -> ceiling(c, out));
    r.ceilingNote().ifPresent(note -> out.println("human ceiling not computed: " + note
        + " (it needs the same number, at least 2, for every sample)"));
    List<Path> rest = new ArrayList<>(charts);
    r.bootstrap().ifPresent(b -> {
      BootstrapReport boot = b.report();
      out.printf(Locale.ROOT, "bootstrap: %d paired resamples of the %d samples (seed %d),"
          + " %s percentile intervals%n", boot.resamples(), columns.n(), b.seed(),
          percent(boot.level()));
      out.print(ReportTable.table(intervalRows(boot)));
      undefined(boot, out);
      comparisons(boot, out);
      if (!rest.isEmpty()) {
        out.println("wrote " + rest.remove(0)); // the interval chart
      }
    });
    r.groups().ifPresent(g -> groups(g, r.bootstrap().isPresent(), out));
    r.answerability().ifPresent(a -> answerability(a, columns.n(), out));
    r.calibration().ifPresent(c -> calibration(c, out));
    wrote(json, out);
    rest.forEach(f -> out.println("wrote " + f));
  }

  /**
   * A selection as {@code lager select} prints it: what was ranked, the rule, and each score's
   * selection of the same size with its mean human score and overlap.
   *
   * @param aspects whether the files were aspects (else one judgment, merged by idx)
   */
  public static void selection(DataSelection.Result result, boolean aspects, PrintWriter pw) {
    Selection.Report r = result.report();
    if (result.files() > 0) {
      pw.printf("data: %d file%s, %d unique samples%s%n", result.files(),
          result.files() == 1 ? "" : "s", result.uniqueSamples(), result.duplicatesDropped() > 0
              ? " (" + result.duplicatesDropped() + " repeated idx dropped)" : "");
    } else if (aspects) {
      pw.printf("aspects: %d files%n", r.aspects());
    }
    pw.printf("ranked %d valid samples by %s%s (%d invalid skipped: no score token); ties broken"
        + " by the smaller idx%n", r.n(), r.by().key(), r.aspects() > 1
            ? ", the mean z-score over " + r.aspects() + " aspects" : "", r.skippedInvalid());
    pw.printf("kept the %s samples%n", r.rule().describe(r.n()));
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
    pw.print(ReportTable.table(rows));
    if (!human) {
      pw.println("not every sample has a human score: no mean human score to report");
    }
  }

  /**
   * Fitted calibration maps as {@code lager calibrate} prints them: each map in words and the
   * in-sample errors before and after.
   *
   * @param source the results file fitted on, as given
   */
  public static void calibrationFit(CalibrationFit.Fitted f, String source, PrintWriter pw) {
    Calibration calibration = f.calibration();
    ScoreColumns columns = f.columns();
    String method = calibration.method().key();
    pw.printf("fitted %s calibration maps on %d samples of %s (%d invalid skipped), labels %s%n",
        method, columns.n(), source, columns.skippedInvalid(), columns.labelSet().describe());
    calibration.maps().forEach((score, map) -> pw.println("  " + score.key() + ": "
        + describe(map)));
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"score_type", "mae", "mae calibrated", "rmse", "rmse calibrated"});
    f.inSample().rows().forEach((score, r) -> rows.add(new String[] {score.key(),
        ReportTable.fmt(r.before().mae()), ReportTable.fmt(r.after().mae()),
        ReportTable.fmt(r.before().rmse()), ReportTable.fmt(r.after().rmse())}));
    pw.println("on the data fitted on (in-sample; `lager evaluate --calibrate " + method
        + " --cv K` estimates the errors on unseen samples):");
    pw.print(ReportTable.table(rows));
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

  private static void wrote(Path file, PrintWriter out) {
    if (file != null) {
      out.println("wrote " + file);
    }
  }

  private static void groups(Report.GroupsSection g, boolean bootstrap, PrintWriter out) {
    out.printf("groups by %s: %d groups%n", g.by(), g.groups().size());
    for (Report.Group group : g.groups()) {
      if (group.correlations().isEmpty()) {
        out.printf("group \"%s\": %d sample%s, too few for a correlation (%d needed)%n",
            group.name(), group.n(), group.n() == 1 ? "" : "s", Groups.MIN_SIZE);
        continue;
      }
      out.printf("group \"%s\" (n = %d)%n", group.name(), group.n());
      if (bootstrap) {
        out.print(ReportTable.table(intervalRows(group.bootstrap().orElseThrow())));
      } else {
        out.print(ReportTable.render(group.correlations().get()));
      }
    }
  }

  private static void answerability(Report.AnswerabilitySection a, int n, PrintWriter out) {
    out.printf(Locale.ROOT, "answerability: a sample is predicted unanswerable when its score <="
        + " min + %s x (max - min); %d of %d samples are unanswerable ('%s' false or 0)%n",
        ReportTable.fmt(a.frac()), a.report().unanswerable(), n, a.field());
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"score_type", "threshold", "precision", "recall", "f1", "tp", "fp",
        "fn", "tn"});
    a.report().results().forEach((m, res) -> {
      var pr = res.unanswerable();
      rows.add(new String[] {m.key(), ReportTable.fmt(res.threshold()),
          ReportTable.fmt(pr.precision()), ReportTable.fmt(pr.recall()), ReportTable.fmt(pr.f1()),
          Integer.toString(pr.truePositives()), Integer.toString(pr.falsePositives()),
          Integer.toString(pr.falseNegatives()), Integer.toString(pr.trueNegatives())});
    });
    out.print(ReportTable.table(rows));
  }

  private static void calibration(Report.CalibrationSection c, PrintWriter out) {
    CalibrationReport report = c.report();
    if (c.fromFile().isPresent()) {
      Calibration cal = c.fromFile().get();
      out.printf("calibration: %s maps from %s (fitted on %d samples of %s)%n",
          cal.method().key(), c.file().orElseThrow(), cal.provenance().trainingSamples(),
          cal.provenance().trainingData());
    } else {
      out.printf("calibration: %s, %d-fold cross-validation (seed %d); each fold's scores are"
          + " mapped by a fit on the other %d folds, so the pooled rank correlations can move"
          + " a little%n", report.method().key(), c.folds(), c.seed(), c.folds() - 1);
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"score_type", "mae", "mae calibrated", "rmse", "rmse calibrated",
        "spearman", "spearman calibrated", "pearson", "pearson calibrated"});
    report.rows().forEach((m, row) -> rows.add(new String[] {m.key(),
        ReportTable.fmt(row.before().mae()), ReportTable.fmt(row.after().mae()),
        ReportTable.fmt(row.before().rmse()), ReportTable.fmt(row.after().rmse()),
        ReportTable.fmt(row.before().correlations().spearman()),
        ReportTable.fmt(row.after().correlations().spearman()),
        ReportTable.fmt(row.before().correlations().pearson()),
        ReportTable.fmt(row.after().correlations().pearson())}));
    out.print(ReportTable.table(rows));
    if (!report.uncalibrated().isEmpty()) {
      out.println("not calibrated (no map in the file): " + report.uncalibrated().stream()
          .map(ScoreMethod::key).toList());
    }
  }

  private static List<String[]> intervalRows(BootstrapReport r) {
    String level = percent(r.level());
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"score_type", "pearson [" + level + "]", "spearman [" + level + "]",
        "kendall_tau [" + level + "]"});
    r.rows().forEach((m, row) -> rows.add(intervalRow(m.key(), row)));
    r.humanCeiling().ifPresent(c -> rows.add(intervalRow("human ceiling", c)));
    return rows;
  }

  private static String[] intervalRow(String name, Map<CorrelationKind, Interval> row) {
    String[] out = new String[4];
    out[0] = name;
    for (CorrelationKind k : CorrelationKind.values()) {
      Interval i = row.get(k);
      out[1 + k.ordinal()] = ReportTable.fmt(i.estimate()) + " [" + ReportTable.fmt(i.low())
          + ", " + ReportTable.fmt(i.high()) + "]";
    }
    return out;
  }

  private static void undefined(BootstrapReport r, PrintWriter out) {
    r.rows().forEach((m, row) -> row.forEach((k, i) -> {
      if (i.undefined() > 0) {
        out.printf("%s %s: undefined on %d of %d resamples (a constant resample has no"
            + " correlation), left out of the interval%n", m.key(), k.key(), i.undefined(),
            r.resamples());
      }
    }));
  }

  private static void comparisons(BootstrapReport r, PrintWriter out) {
    for (Comparison c : r.comparisons()) {
      String a = c.a().key();
      String b = c.b().key();
      out.printf("paired comparison on the same %d resamples: %s - %s%n", r.resamples(), a, b);
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"correlation", a + " - " + b, percent(r.level()) + " interval",
          "p (one-sided: " + a + " better)"});
      for (CorrelationKind k : CorrelationKind.values()) {
        Interval i = c.difference().get(k);
        rows.add(new String[] {k.key(), ReportTable.fmt(i.estimate()),
            "[" + ReportTable.fmt(i.low()) + ", " + ReportTable.fmt(i.high()) + "]",
            ReportTable.fmt(c.pOneSided().get(k))});
      }
      out.print(ReportTable.table(rows));
    }
  }

  private static void ceiling(HumanCeiling c, PrintWriter out) {
    int n = c.perAnnotator().size();
    out.printf("human ceiling: each of %d annotators against the mean of the other %d%n", n, n - 1);
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"annotator", "pearson", "spearman", "kendall_tau"});
    for (int j = 0; j < n; j++) {
      rows.add(row(Integer.toString(j + 1), c.perAnnotator().get(j)));
    }
    rows.add(row("mean", c.mean()));
    out.print(ReportTable.table(rows));
  }

  private static String[] row(String name, CorrelationRow r) {
    return new String[] {name, ReportTable.fmt(r.pearson()), ReportTable.fmt(r.spearman()),
        ReportTable.fmt(r.kendallTau())};
  }

  /** {@code 95%}, {@code 97.5%}. */
  public static String percent(double level) {
    double p = 100 * level;
    return (p == Math.rint(p) ? Integer.toString((int) p) : Double.toString(p)) + "%";
  }
}
