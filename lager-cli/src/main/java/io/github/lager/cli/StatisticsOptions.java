package io.github.lager.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.lager.core.InvalidInputException;
import io.github.lager.core.eval.Answerability;
import io.github.lager.core.eval.Bootstrap;
import io.github.lager.core.eval.BootstrapReport;
import io.github.lager.core.eval.Calibration;
import io.github.lager.core.eval.CalibrationMethod;
import io.github.lager.core.eval.CalibrationReport;
import io.github.lager.core.eval.Comparison;
import io.github.lager.core.eval.CorrelationKind;
import io.github.lager.core.eval.CorrelationRow;
import io.github.lager.core.eval.CrossValidation;
import io.github.lager.core.eval.Evaluation;
import io.github.lager.core.eval.EvaluationReport;
import io.github.lager.core.eval.Groups;
import io.github.lager.core.eval.HumanCeiling;
import io.github.lager.core.eval.Interval;
import io.github.lager.core.eval.ScoreColumns;
import io.github.lager.core.io.CalibrationJson;
import io.github.lager.core.math.ScoreMethod;
import io.github.lager.core.metrics.PrecisionRecall;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * {@code lager evaluate}'s statistics: bootstrap intervals and paired comparisons, the human
 * ceiling, a table per group, answerability and calibration. The numbers come from lager-core's
 * {@code eval} package; this class reads the options, calls it and prints the tables.
 */
final class StatisticsOptions {
  @Option(names = "--bootstrap", paramLabel = "N", defaultValue = "0",
      description = "Percentile intervals for every correlation from N paired bootstrap resamples"
          + " (2000 is usual), seeded by --seed.")
  int bootstrap;

  @Option(names = "--confidence", paramLabel = "LEVEL", defaultValue = "0.95",
      description = "Coverage of the bootstrap intervals (default ${DEFAULT-VALUE}).")
  double confidence;

  @Option(names = "--compare", paramLabel = "A,B",
      description = "Paired bootstrap difference of scores A and B (e.g. lager_wo,e_score) with"
          + " its interval and the one-sided p of \"A agrees better\"; repeatable; needs"
          + " --bootstrap.")
  List<String> compare = new ArrayList<>();

  @ArgGroup(exclusive = true)
  Grouping grouping;

  static final class Grouping {
    @Option(names = "--group-by", paramLabel = "FIELD",
        description = "A table per value of this field of the results' samples.")
    String field;

    @Option(names = "--group-regex", paramLabel = "REGEX",
        description = "A table per group read from the prompt: the first capturing group of the"
            + " first match (FLASK's skill: '### Score Rubrics:\\s*\\[([^?\\]]*)').")
    String regex;
  }

  @Option(names = "--threshold-f1", paramLabel = "FRAC",
      description = "Answerability: predict unanswerable when a score <= min + FRAC x (max - min);"
          + " report precision, recall and F1 of the unanswerable class. Needs --label-field.")
  Double thresholdF1;

  @Option(names = "--label-field", paramLabel = "FIELD",
      description = "Field of the results' samples saying whether the question is answerable"
          + " (true/false or 1/0); unanswerable is the positive class.")
  String labelField;

  @ArgGroup(exclusive = true)
  CalibrationSource calibration;

  static final class CalibrationSource {
    @Option(names = "--calibration", paramLabel = "FILE",
        description = "Apply a calibration saved by `lager calibrate`; report MAE and RMSE before"
            + " and after.")
    Path file;

    @Option(names = "--calibrate", paramLabel = "METHOD",
        description = "Calibrate every score by linear or isotonic regression under K-fold"
            + " cross-validation (--cv, seeded by --seed); report MAE and RMSE before and after.")
    String method;
  }

  @Option(names = "--cv", paramLabel = "K", defaultValue = "5",
      description = "Folds for --calibrate (default ${DEFAULT-VALUE}).")
  int folds;

  /** Whether answerability was asked for (the only statistic that needs no human scores). */
  boolean answerability() {
    return labelField != null || thresholdF1 != null;
  }

  /** Refuses combinations that cannot work, before anything is computed. */
  void check() {
    OptionChecks.between("--confidence", confidence, 0, false, 1, false);
    if (bootstrap < 0) {
      throw OptionChecks.bad("--bootstrap", "--bootstrap must be at least 1 (0: no bootstrap),"
          + " got " + bootstrap);
    }
    if (bootstrap > 0) {
      Bootstrap.checkResamples(bootstrap, confidence, "--bootstrap");
    }
    if (!compare.isEmpty() && bootstrap == 0) {
      throw OptionChecks.bad("--compare", "--compare needs --bootstrap N: the interval and p come"
          + " from the resamples");
    }
    if ((labelField == null) != (thresholdF1 == null)) {
      throw OptionChecks.bad("--threshold-f1", "answerability needs both --threshold-f1 FRAC and"
          + " --label-field FIELD");
    }
    if (thresholdF1 != null) {
      OptionChecks.between("--threshold-f1", thresholdF1, 0, true, 1, true);
    }
    if (calibration != null && calibration.method != null) {
      try {
        CalibrationMethod.byKey(calibration.method);
      } catch (IllegalArgumentException e) {
        throw OptionChecks.bad("--calibrate", "--calibrate: " + e.getMessage());
      }
    }
    OptionChecks.atLeast("--cv", folds, 2);
    if (grouping != null && grouping.regex != null) {
      regex(grouping.regex);
    }
    comparisons();
  }

  /**
   * The checks that need the data, made before any table prints: the --group-by field and the
   * --label-field of every sample, and --cv K against the number of samples.
   */
  void checkData(ScoreColumns columns, List<ResultsInput> inputs) {
    if (grouping != null && grouping.field != null) {
      Groups.split(columns, ResultsInput.field(inputs, grouping.field),
          "field '" + grouping.field + "'");
    }
    if (answerability()) {
      Answerability.evaluate(columns, ResultsInput.field(inputs, labelField), labelField,
          thresholdF1);
    }
    if (calibration != null && calibration.method != null && folds > columns.n()) {
      throw OptionChecks.bad("--cv", "--cv " + folds + " is more folds than the " + columns.n()
          + " samples; give at most " + columns.n());
    }
  }

  /** The statistics options given, by name (for messages). */
  List<String> requested() {
    List<String> given = new ArrayList<>();
    if (bootstrap > 0) {
      given.add("--bootstrap");
    }
    if (!compare.isEmpty()) {
      given.add("--compare");
    }
    if (grouping != null) {
      given.add(grouping.field != null ? "--group-by" : "--group-regex");
    }
    if (answerability()) {
      given.add("--threshold-f1");
    }
    if (calibration != null) {
      given.add(calibration.file != null ? "--calibration" : "--calibrate");
    }
    return given;
  }

  /** Refuses the statistics that need human scores when the samples have none. */
  void checkWithoutHumanScores(boolean plots) {
    List<String> need = new ArrayList<>();
    if (bootstrap > 0) {
      need.add("--bootstrap");
    }
    if (grouping != null) {
      need.add(grouping.field != null ? "--group-by" : "--group-regex");
    }
    if (calibration != null) {
      need.add(calibration.file != null ? "--calibration" : "--calibrate");
    }
    if (plots) {
      need.add("--plots");
    }
    if (!need.isEmpty()) {
      throw new InvalidInputException(String.join(", ", need) + " need"
          + (need.size() == 1 ? "s" : "") + " a human score in every sample");
    }
  }

  List<Bootstrap.Pair> comparisons() {
    List<Bootstrap.Pair> pairs = new ArrayList<>();
    for (String c : compare) {
      String[] parts = c.split(",");
      if (parts.length != 2) {
        throw OptionChecks.bad("--compare", "--compare takes two scores as A,B, got '" + c + "'");
      }
      pairs.add(new Bootstrap.Pair(score(parts[0].strip(), "--compare"),
          score(parts[1].strip(), "--compare")));
    }
    return pairs;
  }

  /** The score named {@code key}, or an error listing the names. */
  static ScoreMethod score(String key, String option) {
    try {
      return ScoreMethod.byKey(key);
    } catch (IllegalArgumentException e) {
      throw OptionChecks.bad(option, option + ": unknown score '" + key + "'; scores: "
          + String.join(", ", Arrays.stream(ScoreMethod.values()).map(ScoreMethod::key).toList()));
    }
  }

  /** Answerability alone (samples without human scores): prints it, returns its JSON. */
  JsonObject runAnswerability(ScoreColumns columns, List<ResultsInput> inputs, PrintWriter out) {
    JsonObject sections = new JsonObject();
    answerability(columns, inputs, out, sections);
    return sections;
  }

  /**
   * Runs every statistic asked for on {@code columns} (which have human scores), prints each,
   * writes the interval chart into {@code plots} (when given) and returns the JSON sections.
   *
   * @param log where the bootstrap's progress goes
   */
  JsonObject run(ScoreColumns columns, List<ResultsInput> inputs, long seed, PrintWriter out,
      PrintWriter log, Path plots) {
    JsonObject sections = new JsonObject();
    Optional<double[][]> annotators = columns.annotators();
    if (annotators.isPresent()) {
      HumanCeiling ceiling = HumanCeiling.of(annotators.get());
      printCeiling(ceiling, out);
      sections.add("human_ceiling", StatisticsJson.ceiling(ceiling));
    } else if (columns.hasAnnotatorLists()) {
      out.println("human ceiling not computed: " + columns.describeAnnotators()
          + " (it needs the same number, at least 2, for every sample)");
    }
    Map<String, ScoreColumns> groups = null;
    String groupedBy = null;
    if (grouping != null) {
      groupedBy = grouping.field != null ? "field '" + grouping.field + "'"
          : "the prompt's /" + grouping.regex + "/";
      Map<Long, String> labels = grouping.field != null
          ? ResultsInput.field(inputs, grouping.field)
          : Groups.labelsFromPrompts(columns.samples(), regex(grouping.regex));
      groups = Groups.split(columns, labels, grouping.field != null
          ? "field '" + grouping.field + "'" : "group");
    }
    if (bootstrap > 0) {
      int runs = 1 + (groups == null ? 0 : (int) groups.values().stream()
          .filter(g -> g.n() >= Groups.MIN_SIZE).count());
      try (ProgressReporter progress = ProgressReporter.create("bootstrap", "resamples",
          runs * bootstrap, log, false)) {
        BootstrapReport report = Bootstrap.run(columns,
            Bootstrap.resampleIndices(columns.n(), bootstrap, seed), confidence, comparisons(),
            (done, total) -> progress.update(done, runs * bootstrap));
        out.printf(Locale.ROOT, "bootstrap: %d paired resamples of the %d samples (seed %d),"
            + " %s percentile intervals%n", bootstrap, columns.n(), seed, percent(confidence));
        out.print(ReportTable.table(intervalRows(report)));
        printUndefined(report, out);
        printComparisons(report, out);
        sections.add("bootstrap", StatisticsJson.bootstrap(report, seed));
        if (!report.comparisons().isEmpty()) {
          sections.add("comparisons", StatisticsJson.comparisons(report));
        }
        if (plots != null) {
          out.println("wrote " + Charts.intervals(plots, report, columns.n()));
        }
        if (groups != null) {
          groupTables(groups, groupedBy, seed, progress, runs * bootstrap, out, sections);
        }
      }
    } else if (groups != null) {
      groupTables(groups, groupedBy, seed, null, 0, out, sections);
    }
    if (answerability()) {
      answerability(columns, inputs, out, sections);
    }
    if (calibration != null) {
      CalibrationReport report;
      if (calibration.file != null) {
        Calibration c = CalibrationJson.read(calibration.file);
        report = c.evaluate(columns, calibration.file.toString());
        out.printf("calibration: %s maps from %s (fitted on %d samples of %s)%n",
            c.method().key(), calibration.file, c.provenance().trainingSamples(),
            c.provenance().trainingData());
      } else {
        CalibrationMethod method = CalibrationMethod.byKey(calibration.method);
        report = CrossValidation.evaluate(columns, method,
            CrossValidation.folds(columns.n(), folds, seed),
            folds + "-fold cross-validation, seed " + seed);
        out.printf("calibration: %s, %d-fold cross-validation (seed %d); each fold's scores are"
            + " mapped by a fit on the other %d folds, so the pooled rank correlations can move"
            + " a little%n", method.key(), folds, seed, folds - 1);
      }
      out.print(ReportTable.table(calibrationRows(report)));
      if (!report.uncalibrated().isEmpty()) {
        out.println("not calibrated (no map in the file): " + report.uncalibrated().stream()
            .map(ScoreMethod::key).toList());
      }
      sections.add("calibration", StatisticsJson.calibration(report));
    }
    return sections;
  }

  private void groupTables(Map<String, ScoreColumns> groups, String groupedBy, long seed,
      ProgressReporter progress, int progressTotal, PrintWriter out, JsonObject sections) {
    out.printf("groups by %s: %d groups%n", groupedBy, groups.size());
    JsonArray json = new JsonArray();
    int run = 1;
    for (Map.Entry<String, ScoreColumns> g : groups.entrySet()) {
      ScoreColumns c = g.getValue();
      JsonObject o = new JsonObject();
      o.addProperty("group", g.getKey());
      o.addProperty("n", c.n());
      if (c.n() < Groups.MIN_SIZE) {
        out.printf("group \"%s\": %d sample%s, too few for a correlation (%d needed)%n",
            g.getKey(), c.n(), c.n() == 1 ? "" : "s", Groups.MIN_SIZE);
        json.add(o);
        continue;
      }
      EvaluationReport report = Evaluation.evaluate(c);
      JsonObject rows = new JsonObject();
      report.rows().forEach((m, r) -> rows.add(m.key(), StatisticsJson.correlations(r)));
      o.add("rows", rows);
      out.printf("group \"%s\" (n = %d)%n", g.getKey(), c.n());
      if (progress != null) {
        int offset = run++ * bootstrap;
        BootstrapReport b = Bootstrap.run(c, Bootstrap.resampleIndices(c.n(), bootstrap, seed),
            confidence, List.of(), (done, total) -> progress.update(offset + done, progressTotal));
        out.print(ReportTable.table(intervalRows(b)));
        o.add("bootstrap", StatisticsJson.bootstrap(b, seed));
      } else {
        out.print(ReportTable.render(report));
      }
      json.add(o);
    }
    JsonObject section = new JsonObject();
    section.addProperty("by", groupedBy);
    section.add("groups", json);
    sections.add("groups", section);
  }

  private void answerability(ScoreColumns columns, List<ResultsInput> inputs, PrintWriter out,
      JsonObject sections) {
    Answerability.Report r = Answerability.evaluate(columns,
        ResultsInput.field(inputs, labelField), labelField, thresholdF1);
    out.printf(Locale.ROOT, "answerability: a sample is predicted unanswerable when its score <="
        + " min + %s x (max - min); %d of %d samples are unanswerable ('%s' false or 0)%n",
        ReportTable.fmt(thresholdF1), r.unanswerable(), columns.n(), labelField);
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"score_type", "threshold", "precision", "recall", "f1", "tp", "fp",
        "fn", "tn"});
    r.results().forEach((m, res) -> {
      PrecisionRecall pr = res.unanswerable();
      rows.add(new String[] {m.key(), ReportTable.fmt(res.threshold()),
          ReportTable.fmt(pr.precision()), ReportTable.fmt(pr.recall()), ReportTable.fmt(pr.f1()),
          Integer.toString(pr.truePositives()), Integer.toString(pr.falsePositives()),
          Integer.toString(pr.falseNegatives()), Integer.toString(pr.trueNegatives())});
    });
    out.print(ReportTable.table(rows));
    sections.add("answerability", StatisticsJson.answerability(r, labelField));
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

  private static void printUndefined(BootstrapReport r, PrintWriter out) {
    r.rows().forEach((m, row) -> row.forEach((k, i) -> {
      if (i.undefined() > 0) {
        out.printf("%s %s: undefined on %d of %d resamples (a constant resample has no"
            + " correlation), left out of the interval%n", m.key(), k.key(), i.undefined(),
            r.resamples());
      }
    }));
  }

  private static void printComparisons(BootstrapReport r, PrintWriter out) {
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

  private static void printCeiling(HumanCeiling c, PrintWriter out) {
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

  private static List<String[]> calibrationRows(CalibrationReport r) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"score_type", "mae", "mae calibrated", "rmse", "rmse calibrated",
        "spearman", "spearman calibrated", "pearson", "pearson calibrated"});
    r.rows().forEach((m, row) -> rows.add(new String[] {m.key(), ReportTable.fmt(row.before().mae()),
        ReportTable.fmt(row.after().mae()), ReportTable.fmt(row.before().rmse()),
        ReportTable.fmt(row.after().rmse()),
        ReportTable.fmt(row.before().correlations().spearman()),
        ReportTable.fmt(row.after().correlations().spearman()),
        ReportTable.fmt(row.before().correlations().pearson()),
        ReportTable.fmt(row.after().correlations().pearson())}));
    return rows;
  }

  private static String[] row(String name, CorrelationRow r) {
    return new String[] {name, ReportTable.fmt(r.pearson()), ReportTable.fmt(r.spearman()),
        ReportTable.fmt(r.kendallTau())};
  }

  private static Pattern regex(String regex) {
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw OptionChecks.bad("--group-regex", "--group-regex: " + e.getDescription() + " in /"
          + regex + "/");
    }
  }

  private static String percent(double level) {
    double p = 100 * level;
    return (p == Math.rint(p) ? Integer.toString((int) p) : Double.toString(p)) + "%";
  }
}
