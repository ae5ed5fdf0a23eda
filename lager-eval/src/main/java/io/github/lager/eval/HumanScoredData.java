package io.github.lager.eval;

import io.github.lager.core.io.ScoredSample;
import io.github.lager.core.math.LabelSet;
import java.util.List;
import java.util.Objects;

/**
 * Results files whose human scores a command uses (evaluate, tune, select, calibrate), checked by
 * one rule for all of them, before any statistic is computed:
 * <ul>
 *   <li>a non-finite human score ({@code NaN}, {@code Infinity}) never reaches here: the results
 *       reader leaves its sample out as unusable, naming it, and the command lists it and exits 3
 *       (0 with {@code --skip-bad});</li>
 *   <li>every human score (each annotator's value) lies in the range: the one declared
 *       ({@code --human-range MIN:MAX}), else the judge's label set, its smallest to its largest
 *       value ({@link HumanRange}); the first outside it fails naming file, sample and value.</li>
 * </ul>
 *
 * @param sources the files, in the order given
 * @param labelSet the label set of the results: the first valid sample's, 1-5 when none is valid
 * @param range the range every human score was checked against
 */
public record HumanScoredData(List<SampleSets.Source> sources, LabelSet labelSet,
    HumanRange range) {
  public HumanScoredData {
    sources = List.copyOf(sources);
    Objects.requireNonNull(labelSet, "labelSet");
    Objects.requireNonNull(range, "range");
  }

  /**
   * Checks the human scores of {@code sources} against {@code declared}, or, when it is null, the
   * label set's range.
   *
   * @throws io.github.lager.core.InvalidInputException naming the first score outside the range
   */
  public static HumanScoredData check(List<SampleSets.Source> sources, HumanRange declared) {
    Objects.requireNonNull(sources, "sources");
    LabelSet labelSet = sources.stream().flatMap(s -> s.samples().stream())
        .filter(ScoredSample::isValid).findFirst().map(ScoredSample::requireLabelSet)
        .orElse(LabelSet.of(5));
    HumanRange range = declared != null ? declared : HumanRange.ofScale(labelSet);
    for (SampleSets.Source s : sources) {
      range.check(s.samples(), s.name());
    }
    return new HumanScoredData(sources, labelSet, range);
  }
}
