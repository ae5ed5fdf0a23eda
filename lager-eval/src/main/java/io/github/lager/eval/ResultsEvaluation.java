package io.github.lager.eval;

import io.github.lager.core.BadOptionException;
import io.github.lager.core.InvalidInputException;
import io.github.lager.core.calibration.Calibration;
import io.github.lager.core.calibration.CalibrationJson;
import io.github.lager.core.calibration.CalibrationMethod;
import io.github.lager.core.io.LayerWeightsJson;
import io.github.lager.core.io.ScoredSample;
import io.github.lager.core.math.LabelSet;
import io.github.lager.core.math.LayerWeights;
import io.github.lager.core.math.PairwiseScore;
import io.github.lager.core.math.ScoreMethod;
import io.github.lager.train.LayerWeightTuner;
import io.github.lager.train.TrainingData;
import io.github.lager.train.TunerConfig;
import io.github.lager.train.TuningResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * An evaluation of results files, what {@code lager evaluate} does: merge the files by idx, leave
 * out the validation samples, tune the layer weights on them (or read weights), then correlate
 * every score with the human scores (or, for pairwise judgments, the agreement with the human
 * majority), with the statistics asked for. Results in, one {@link Report} out.
 *
 * <pre>{@code
 * Report r = ResultsEvaluation.of(Path.of("results.json")).valid(Path.of("valid.json"))
 *     .bootstrap(2000).calibrate(CalibrationMethod.ISOTONIC, 5).run();
 * ReportJson.write(Path.of("report.json"), r);
 * }</pre>
 */
public final class ResultsEvaluation {
  /** How the judgments are evaluated. */
  public enum Judgment { ABSOLUTE, PAIRWISE }

  /** Where the bootstrap's progress goes: created with the number of resamples of the run. */
  public interface ProgressFactory {
    /** Closed at the end of the bootstrap when it is {@link AutoCloseable}. */
    Bootstrap.Progress start(int resamples);
  }

  private final List<ResultsInput> data;
  private ResultsInput valid;
  private Path weightsFile;
  private Path saveWeights;
  private boolean ablation;
  private HumanRange humanRange;
  private Judgment judgment;
  private boolean reuseWeights;
  private TunerConfig tuner = TunerConfig.reference();
  private long seed = TunerConfig.reference().seed();
  private int bootstrap;
  private double confidence = 0.95;
  private final List<Bootstrap.Pair> compare = new ArrayList<>();
  private String groupField;
  private String groupRegex;
  private String labelField;
  private Double thresholdF1;
  private Path calibrationFile;
  private CalibrationMethod calibrate;
  private int folds = 5;
  private ProgressFactory progress = resamples -> Bootstrap.Progress.NONE;

  private ResultsEvaluation(List<ResultsInput> data) {
    this.data = List.copyOf(data);
  }

  /** An evaluation of these results files, merged by idx. */
  public static ResultsEvaluation of(Path... files) {
    List<ResultsInput> in = new ArrayList<>();
    for (Path f : files) {
      in.add(ResultsInput.file(f));
    }
    return of(in);
  }

  /** An evaluation of results already read. */
  public static ResultsEvaluation of(List<ResultsInput> data) {
    if (data.isEmpty()) {
      throw new IllegalArgumentException("an evaluation needs at least one results file");
    }
    return new ResultsEvaluation(data);
  }

  /** Tune the layer weights on this results file; its idx are left out of the evaluation. */
  public ResultsEvaluation valid(Path file) {
    return valid(file == null ? null : ResultsInput.file(file));
  }

  public ResultsEvaluation valid(ResultsInput file) {
    this.valid = file;
    return this;
  }

  /** Layer weights saved by {@code lager tune}, instead of tuning. */
  public ResultsEvaluation weights(Path file) {
    this.weightsFile = file;
    return this;
  }

  /** Save the weights tuned or read to {@code file}. */
  public ResultsEvaluation saveWeights(Path file) {
    this.saveWeights = file;
    return this;
  }

  /** The ten scores of the reference's ablation list rather than the four main ones. */
  public ResultsEvaluation ablation(boolean b) {
    this.ablation = b;
    return this;
  }

  /** The values human scores may take (default: the results' label set). */
  public ResultsEvaluation humanRange(HumanRange r) {
    this.humanRange = r;
    return this;
  }

  /** Absolute or pairwise; default: pairwise for results on a pairwise label set. */
  public ResultsEvaluation judgment(Judgment j) {
    this.judgment = j;
    return this;
  }

  public ResultsEvaluation reuseWeights(boolean b) {
    this.reuseWeights = b;
    return this;
  }

  /**
   * The tuner's settings (default: the reference's); its seed also seeds the bootstrap and the
   * cross-validation folds.
   */
  public ResultsEvaluation tuner(TunerConfig config) {
    this.tuner = Objects.requireNonNull(config, "config");
    this.seed = config.seed();
    return this;
  }

  /** Percentile intervals from {@code resamples} paired bootstrap resamples (0: none). */
  public ResultsEvaluation bootstrap(int resamples) {
    if (resamples < 0) {
      throw new IllegalArgumentException("--bootstrap must be at least 1 (0: no bootstrap), got "
          + resamples);
    }
    this.bootstrap = resamples;
    return this;
  }

  /** Coverage of the bootstrap intervals (default 0.95). */
  public ResultsEvaluation confidence(double level) {
    this.confidence = level;
    return this;
  }

  /** A paired bootstrap comparison of score {@code a} against {@code b}. */
  public ResultsEvaluation compare(ScoreMethod a, ScoreMethod b) {
    this.compare.add(new Bootstrap.Pair(a, b));
    return this;
  }

  /** A table per value of this field of the samples. */
  public ResultsEvaluation groupBy(String field) {
    this.groupField = field;
    return this;
  }

  /** A table per group read from the prompt: the first capturing group of the first match. */
  public ResultsEvaluation groupRegex(String regex) {
    this.groupRegex = regex;
    return this;
  }

  /** Answerability: the samples' {@code field} says whether the question is answerable. */
  public ResultsEvaluation answerability(String field, double thresholdFraction) {
    this.labelField = field;
    this.thresholdF1 = thresholdFraction;
    return this;
  }

  /** Apply the calibration maps of {@code file} (lager calibrate) and report before and after. */
  public ResultsEvaluation calibration(Path file) {
    this.calibrationFile = file;
    return this;
  }

  /** Calibrate every score by {@code method} under {@code folds}-fold cross-validation. */
  public ResultsEvaluation calibrate(CalibrationMethod method, int folds) {
    this.calibrate = method;
    this.folds = folds;
    return this;
  }

  /** Where the bootstrap reports its progress. */
  public ResultsEvaluation progress(ProgressFactory p) {
    this.progress = Objects.requireNonNull(p, "progress");
    return this;
  }

  /** The statistics asked for, by option name (for messages). */
  public List<String> statisticsRequested() {
    List<String> given = new ArrayList<>();
    if (bootstrap > 0) {
      given.add("--bootstrap");
    }
    if (!compare.isEmpty()) {
      given.add("--compare");
    }
    if (groupField != null || groupRegex != null) {
      given.add(groupField != null ? "--group-by" : "--group-regex");
    }
    if (labelField != null) {
      given.add("--threshold-f1");
    }
    if (calibrationFile != null || calibrate != null) {
      given.add(calibrationFile != null ? "--calibration" : "--calibrate");
    }
    return given;
  }

  /** Evaluates. */
  public Report run() {
    return run(false);
  }

  /**
   * Evaluates; {@code plots} says whether charts will be drawn (they need human scores, and are
   * refused for pairwise judgments, before anything is computed).
   */
  public Report run(boolean plots) {
    if (!compare.isEmpty() && bootstrap == 0) {
      throw new IllegalArgumentException("--compare needs --bootstrap N: the interval and p come"
          + " from the resamples");
    }
    if (bootstrap > 0) {
      // an interval needs enough resamples for its level: refused, saying how many
      Bootstrap.checkResamples(bootstrap, confidence, "--bootstrap");
    }
    List<ResultsInput> all = new ArrayList<>(data);
    if (valid != null) {
      all.add(valid);
    }
    List<String> skipped = new ArrayList<>();
    all.forEach(in -> skipped.addAll(in.problems()));
    // the human scores of every command checked by one rule (HumanScoredData)
    LabelSet labelSet = HumanScoredData.check(all.stream()
        .map(i -> new SampleSets.Source(i.name(), i.samples())).toList(), humanRange).labelSet();
    boolean pairwise = judgment != null ? judgment == Judgment.PAIRWISE : labelSet.isPairwise();
    if (pairwise) {
      PairwiseScore.checkPairwise(labelSet);
      refuseForPairwise(plots);
    }
    SampleSets.Merged merged = SampleSets.mergeByIdx(data.stream()
        .map(i -> new SampleSets.Source(i.name(), i.samples())).toList());
    List<ScoredSample> samples = merged.samples();
    Report.Weights weights = Report.Weights.NONE;
    int leftOut = 0;
    if (valid != null) {
      Set<Long> validIdx = valid.samples().stream().map(ScoredSample::idx)
          .collect(Collectors.toSet());
      SampleSets.Split split = SampleSets.leaveOut(samples, validIdx);
      samples = split.kept();
      leftOut = split.leftOut();
      TrainingData training = TrainingData.fromSamples(valid.samples(), valid.name(),
          valid.sha256());
      TuningResult tuned = new LayerWeightTuner(tuner).tune(training);
      weights = new Report.Weights(Report.WeightsSource.TUNED, tuned.weights(), valid.name(),
          training.examples().size(), tuner.describe(), null);
    } else if (weightsFile != null) {
      weights = new Report.Weights(Report.WeightsSource.FILE, LayerWeightsJson.read(weightsFile),
          weightsFile.toString(), 0, null, null);
    }
    if (weights.weights() != null && saveWeights != null) {
      LayerWeightsJson.write(saveWeights, weights.weights());
      weights = new Report.Weights(weights.source(), weights.weights(), weights.name(),
          weights.validSamples(), weights.tuner(), saveWeights);
    }
    LayerWeights w = weights.weights();
    List<ScoreMethod> methods = new ArrayList<>(ablation ? ScoreMethod.ABLATION : ScoreMethod.MAIN);
    if (w == null) {
      methods.removeIf(ScoreMethod::isTuned);
    }
    if (pairwise) {
      PairwiseEvaluation.Report report = PairwiseEvaluation.evaluate(samples, methods, w,
          weights.name(), reuseWeights);
      int entries = samples.stream().filter(ScoredSample::isValid).findFirst()
          .map(s -> s.logits().orElseThrow().entries()).orElse(0);
      return new Report(data.size(), merged.samples().size(), merged.duplicatesDropped(), weights,
          leftOut, skipped, Optional.of(report), entries, null, Optional.empty(),
          Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
          Optional.empty(), Optional.empty());
    }
    ScoreColumns columns = ScoreColumns.of(samples, methods, w, weights.name(), reuseWeights);
    if (!columns.hasHumanScores() && labelField != null) {
      refuseWithoutHumanScores(plots);
      return new Report(data.size(), merged.samples().size(), merged.duplicatesDropped(), weights,
          leftOut, skipped, Optional.empty(), 0, columns, Optional.empty(), Optional.empty(),
          Optional.empty(), Optional.empty(), Optional.empty(),
          Optional.of(answerability(columns, all)), Optional.empty());
    }
    if (calibrate != null && folds > columns.n()) {
      throw new BadOptionException("--cv", "--cv " + folds + " is more folds than the "
          + columns.n() + " samples; give at most " + columns.n());
    }
    EvaluationReport correlations = Evaluation.evaluate(columns);
    Optional<HumanCeiling> ceiling = columns.annotators().map(HumanCeiling::of);
    Optional<String> ceilingNote = ceiling.isEmpty() && columns.hasAnnotatorLists()
        ? Optional.of(columns.describeAnnotators()) : Optional.empty();
    Map<String, ScoreColumns> groupColumns = null;
    String groupedBy = null;
    if (groupField != null || groupRegex != null) {
      groupedBy = groupField != null ? "field '" + groupField + "'"
          : "the prompt's /" + groupRegex + "/";
      Map<Long, String> labels = groupField != null ? ResultsInput.field(all, groupField)
          : Groups.labelsFromPrompts(columns.samples(), regex(groupRegex));
      groupColumns = Groups.split(columns, labels, groupField != null
          ? "field '" + groupField + "'" : "group");
    }
    Optional<Report.BootstrapSection> boot = Optional.empty();
    Optional<Report.GroupsSection> groups = Optional.empty();
    if (bootstrap > 0) {
      int runs = 1 + (groupColumns == null ? 0 : (int) groupColumns.values().stream()
          .filter(g -> g.n() >= Groups.MIN_SIZE).count());
      int total = runs * bootstrap;
      Bootstrap.Progress p = progress.start(total);
      try {
        BootstrapReport report = Bootstrap.run(columns,
            Bootstrap.resampleIndices(columns.n(), bootstrap, seed), confidence, compare,
            (done, t) -> p.update(done, total));
        boot = Optional.of(new Report.BootstrapSection(report, seed));
        if (groupColumns != null) {
          groups = Optional.of(groups(groupColumns, groupedBy, p, total));
        }
      } finally {
        if (p instanceof AutoCloseable c) {
          try {
            c.close();
          } catch (Exception e) {
            throw new IllegalStateException("closing the progress failed", e);
          }
        }
      }
    } else if (groupColumns != null) {
      groups = Optional.of(groups(groupColumns, groupedBy, null, 0));
    }
    Optional<Report.AnswerabilitySection> answer = labelField != null
        ? Optional.of(answerability(columns, all)) : Optional.empty();
    Optional<Report.CalibrationSection> calibration = Optional.empty();
    if (calibrationFile != null) {
      Calibration c = CalibrationJson.read(calibrationFile);
      calibration = Optional.of(new Report.CalibrationSection(
          CalibrationFit.evaluate(c, columns, calibrationFile.toString()), Optional.of(c),
          Optional.of(calibrationFile), 0, seed));
    } else if (calibrate != null) {
      calibration = Optional.of(new Report.CalibrationSection(CrossValidation.evaluate(columns,
          calibrate, CrossValidation.folds(columns.n(), folds, seed),
          folds + "-fold cross-validation, seed " + seed), Optional.empty(), Optional.empty(),
          folds, seed));
    }
    return new Report(data.size(), merged.samples().size(), merged.duplicatesDropped(), weights,
        leftOut, skipped, Optional.empty(), 0, columns, Optional.of(correlations), ceiling,
        ceilingNote, boot, groups, answer, calibration);
  }

  private Report.GroupsSection groups(Map<String, ScoreColumns> groups, String by,
      Bootstrap.Progress p, int total) {
    List<Report.Group> out = new ArrayList<>();
    int run = 1;
    for (Map.Entry<String, ScoreColumns> g : groups.entrySet()) {
      ScoreColumns c = g.getValue();
      if (c.n() < Groups.MIN_SIZE) {
        out.add(new Report.Group(g.getKey(), c.n(), Optional.empty(), Optional.empty()));
        continue;
      }
      EvaluationReport report = Evaluation.evaluate(c);
      Optional<BootstrapReport> b = Optional.empty();
      if (p != null) {
        int offset = run++ * bootstrap;
        b = Optional.of(Bootstrap.run(c, Bootstrap.resampleIndices(c.n(), bootstrap, seed),
            confidence, List.of(), (done, t) -> p.update(offset + done, total)));
      }
      out.add(new Report.Group(g.getKey(), c.n(), Optional.of(report), b));
    }
    return new Report.GroupsSection(by, out);
  }

  private Report.AnswerabilitySection answerability(ScoreColumns columns,
      List<ResultsInput> inputs) {
    if (thresholdF1 == null) {
      throw new IllegalArgumentException("answerability needs both --threshold-f1 FRAC and"
          + " --label-field FIELD");
    }
    Answerability.Report r = Answerability.evaluate(columns,
        ResultsInput.field(inputs, labelField), labelField, thresholdF1);
    return new Report.AnswerabilitySection(r, labelField, thresholdF1);
  }

  /** The statistics of absolute judgments are refused for pairwise ones, naming the option. */
  private void refuseForPairwise(boolean plots) {
    List<String> absoluteOnly = statisticsRequested();
    if (plots) {
      absoluteOnly.add("--plots");
    }
    if (!absoluteOnly.isEmpty()) {
      throw new InvalidInputException(String.join(", ", absoluteOnly) + (absoluteOnly.size() == 1
          ? " is" : " are") + " for absolute judgments (correlations with human scores); these"
          + " results are pairwise, for which evaluate reports accuracy, Cohen's kappa and swap"
          + " consistency (--judgment absolute reads them as a 0-2 scale)");
    }
  }

  /** Refuses the statistics that need human scores when the samples have none. */
  private void refuseWithoutHumanScores(boolean plots) {
    List<String> need = new ArrayList<>();
    if (bootstrap > 0) {
      need.add("--bootstrap");
    }
    if (groupField != null || groupRegex != null) {
      need.add(groupField != null ? "--group-by" : "--group-regex");
    }
    if (calibrationFile != null || calibrate != null) {
      need.add(calibrationFile != null ? "--calibration" : "--calibrate");
    }
    if (plots) {
      need.add("--plots");
    }
    if (!need.isEmpty()) {
      throw new InvalidInputException(String.join(", ", need) + " need"
          + (need.size() == 1 ? "s" : "") + " a human score in every sample");
    }
  }

  private static Pattern regex(String regex) {
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("--group-regex: " + e.getDescription() + " in /" + regex
          + "/");
    }
  }
}
