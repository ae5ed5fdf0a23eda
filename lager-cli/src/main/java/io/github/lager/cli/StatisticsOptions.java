package io.github.lager.cli;

import io.github.lager.core.calibration.CalibrationMethod;
import io.github.lager.core.math.ScoreMethod;
import io.github.lager.eval.Bootstrap;
import io.github.lager.eval.ResultsEvaluation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * {@code lager evaluate}'s statistics: bootstrap intervals and paired comparisons, the human
 * ceiling, a table per group, answerability and calibration: the options, set on a
 * {@link ResultsEvaluation} (lager-eval), which computes them.
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

  /** Sets the statistics asked for on {@code evaluation}. */
  ResultsEvaluation apply(ResultsEvaluation evaluation) {
    evaluation.bootstrap(bootstrap).confidence(confidence);
    comparisons().forEach(p -> evaluation.compare(p.a(), p.b()));
    if (grouping != null) {
      evaluation.groupBy(grouping.field).groupRegex(grouping.regex);
    }
    if (answerability()) {
      evaluation.answerability(labelField, thresholdF1);
    }
    if (calibration != null) {
      if (calibration.file != null) {
        evaluation.calibration(calibration.file);
      } else {
        evaluation.calibrate(CalibrationMethod.byKey(calibration.method), folds);
      }
    }
    return evaluation;
  }

  /** Checks the --group-regex pattern compiles (a usage error naming it otherwise). */
  private static void regex(String regex) {
    try {
      Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw OptionChecks.bad("--group-regex", "--group-regex: " + e.getDescription() + " in /"
          + regex + "/");
    }
  }
}
