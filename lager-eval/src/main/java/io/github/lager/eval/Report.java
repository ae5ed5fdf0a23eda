package io.github.lager.eval;

import io.github.lager.core.calibration.Calibration;
import io.github.lager.core.math.LayerWeights;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Everything an evaluation of results files found ({@link ResultsEvaluation}): what it was
 * computed on, the correlations (or the pairwise agreement), and each statistic asked for. The
 * writers of {@code eval.report} render it: JSON, the console and charts.
 *
 * @param files the results files evaluated
 * @param uniqueSamples samples after merging by idx
 * @param duplicatesDropped repeated idx dropped by the merge
 * @param weights where the layer weights came from
 * @param leftOut samples left out because their idx is in the validation file
 * @param skipped unusable samples left out of the inputs, one line each
 * @param pairwise the pairwise agreement (for pairwise judgments; then nothing below is set)
 * @param pairwiseEntries hidden-state entries of the first valid sample of a pairwise evaluation
 * @param columns every score of every valid sample (absolute judgments)
 * @param correlations the correlation table (empty when only answerability could be computed)
 * @param ceiling the human ceiling, when every sample has the same number (at least 2) of
 *     annotator scores
 * @param ceilingNote why there is no ceiling although there are annotator lists
 * @param bootstrap bootstrap intervals and paired comparisons
 * @param groups a table per group
 * @param answerability answerability as a downstream task
 * @param calibration calibration before and after
 */
public record Report(int files, int uniqueSamples, int duplicatesDropped, Weights weights,
    int leftOut, List<String> skipped, Optional<PairwiseEvaluation.Report> pairwise,
    int pairwiseEntries, ScoreColumns columns, Optional<EvaluationReport> correlations,
    Optional<HumanCeiling> ceiling, Optional<String> ceilingNote,
    Optional<BootstrapSection> bootstrap, Optional<GroupsSection> groups,
    Optional<AnswerabilitySection> answerability, Optional<CalibrationSection> calibration) {

  /** How the layer weights were had. */
  public enum WeightsSource { NONE, TUNED, FILE }

  /**
   * @param source none, tuned on a validation file, or read from a weights file
   * @param weights the weights (null with {@link WeightsSource#NONE})
   * @param name the validation or weights file
   * @param validSamples validation samples tuned on
   * @param tuner the tuner's settings in words
   * @param saved where the tuned weights were saved (null: not saved)
   */
  public record Weights(WeightsSource source, LayerWeights weights, String name, int validSamples,
      String tuner, Path saved) {
    static final Weights NONE = new Weights(WeightsSource.NONE, null, null, 0, null, null);
  }

  /** Bootstrap intervals of every score (and comparisons), from {@code resamples} with {@code seed}. */
  public record BootstrapSection(BootstrapReport report, long seed) {}

  /**
   * @param by what the groups are read from, in words ({@code field 'skill'})
   * @param groups each group in order
   */
  public record GroupsSection(String by, List<Group> groups) {}

  /**
   * One group: too small ({@code correlations} empty), else its correlations and, with a
   * bootstrap, its intervals.
   */
  public record Group(String name, int n, Optional<EvaluationReport> correlations,
      Optional<BootstrapReport> bootstrap) {}

  /** Answerability read from the samples' {@code field}, thresholded at {@code frac}. */
  public record AnswerabilitySection(Answerability.Report report, String field, double frac) {}

  /**
   * Calibration before and after: maps read from a file ({@code file}, {@code fromFile}) or fitted
   * under {@code folds}-fold cross-validation with {@code seed}.
   */
  public record CalibrationSection(CalibrationReport report, Optional<Calibration> fromFile,
      Optional<Path> file, int folds, long seed) {}

  /** Whether the judgments were pairwise. */
  public boolean isPairwise() {
    return pairwise.isPresent();
  }

  public Optional<LayerWeights> layerWeights() {
    return Optional.ofNullable(weights.weights());
  }
}
