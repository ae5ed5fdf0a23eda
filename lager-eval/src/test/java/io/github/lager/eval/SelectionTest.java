package io.github.lager.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.lager.core.InvalidInputException;
import io.github.lager.core.io.HumanScore;
import io.github.lager.core.io.ScoredSample;
import io.github.lager.core.math.LayerLogits;
import io.github.lager.core.math.ScoreMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SelectionTest {
  static ScoredSample valid(long idx, double eScore, double direct, Double human) {
    return new ScoredSample(idx, Optional.empty(), Optional.ofNullable(human).map(HumanScore::of),
        direct, eScore, 3, Optional.of(LayerLogits.of(new float[][] {{0, 0, 0}, {0, 0, 0}})),
        Optional.empty(), Optional.empty());
  }

  static SampleSets.Source source(String name, ScoredSample... samples) {
    return new SampleSets.Source(name, List.of(samples));
  }

  @Test
  void keepsTheTopFractionTiesBySmallerIdxNeverAnInvalidSample() {
    SampleSets.Source s = source("r.json",
        valid(7, 4.5, 1, 5.0), valid(3, 4.5, 2, 4.0), valid(9, 2.0, 3, 1.0),
        ScoredSample.invalid(1, null, HumanScore.of(5), null), valid(4, 3.0, 3, 2.0),
        valid(2, 1.0, 3, 3.0));
    Selection.Report r = Selection.select(List.of(s), ScoreMethod.E_SCORE,
        List.of(ScoreMethod.E_SCORE, ScoreMethod.DIRECT_SCORE), null, null,
        Selection.Rule.topFraction(0.5));
    assertThat(r.n()).isEqualTo(5);
    assertThat(r.skippedInvalid()).isEqualTo(1);
    // ceil(0.5 x 5) = 3; 7 and 3 tie at 4.5: idx 3 first.
    assertThat(r.selected().selectedIdx()).containsExactly(3L, 7L, 4L);
    assertThat(r.selected().meanHumanSelected()).hasValue((4.0 + 5.0 + 2.0) / 3);
    assertThat(r.meanHumanAll()).hasValue((5.0 + 4.0 + 1.0 + 2.0 + 3.0) / 5);
    // direct: 9, 4 and 2 tie at 3 (then 3 at 2): the smaller idx 2, 4 and 9 win.
    Selection.Choice direct = r.selections().get(ScoreMethod.DIRECT_SCORE);
    assertThat(direct.selectedIdx()).containsExactly(2L, 4L, 9L);
    assertThat(direct.overlap()).isEqualTo(1);
    assertThat(Selection.Rule.topCount(10).keep(5)).isEqualTo(5);
  }

  @Test
  void withoutHumanScoresThereIsNoMeanToReport() {
    Selection.Report r = Selection.select(List.of(source("r.json", valid(1, 2, 2, null),
        valid(2, 3, 3, 4.0))), ScoreMethod.E_SCORE, List.of(ScoreMethod.E_SCORE), null, null,
        Selection.Rule.topCount(1));
    assertThat(r.selected().selectedIdx()).containsExactly(2L);
    assertThat(r.meanHumanAll()).isEmpty();
    assertThat(r.selected().meanHumanSelected()).isEmpty();
  }

  @Test
  void aspectsAreCombinedByMeanZScoreAndMustJudgeTheSameSamples() {
    // Aspect a ranks 1 > 2 > 3 with a large gap at the top; b ranks 3 > 2 > 1 evenly.
    SampleSets.Source a = source("a.json", valid(1, 5, 1, null), valid(2, 2, 1, null),
        valid(3, 1, 1, null));
    SampleSets.Source b = source("b.json", valid(3, 3, 1, null), valid(2, 2, 1, null),
        valid(1, 1, 1, null));
    Selection.Report r = Selection.select(List.of(a, b), ScoreMethod.E_SCORE,
        List.of(ScoreMethod.E_SCORE), null, null, Selection.Rule.topCount(1));
    assertThat(r.aspects()).isEqualTo(2);
    // z(a) = (1.34, -0.27, -1.07); z(b) = (-1.22, 0, 1.22): means 0.06, -0.13, 0.07 -> idx 3.
    assertThat(r.selected().selectedIdx()).containsExactly(3L);
    SampleSets.Source c = source("c.json", valid(3, 3, 1, null), valid(2, 2, 1, null),
        valid(8, 1, 1, null));
    assertThatThrownBy(() -> Selection.select(List.of(a, c), ScoreMethod.E_SCORE,
        List.of(ScoreMethod.E_SCORE), null, null, Selection.Rule.topCount(1)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("c.json lacks idx 1 of a.json and has idx 8 it lacks");
  }

  @Test
  void aBadRuleIsRefused() {
    assertThatThrownBy(() -> Selection.Rule.topFraction(1.5)).hasMessageContaining("(0, 1]");
    assertThatThrownBy(() -> Selection.Rule.topFraction(0)).hasMessageContaining("(0, 1]");
    assertThatThrownBy(() -> Selection.Rule.topCount(0)).hasMessageContaining("at least 1");
    List<ScoredSample> none = new ArrayList<>();
    none.add(ScoredSample.invalid(1, null, null, null));
    none.add(ScoredSample.invalid(2, null, null, null));
    assertThatThrownBy(() -> Selection.select(List.of(new SampleSets.Source("x.json", none)),
        ScoreMethod.E_SCORE, List.of(ScoreMethod.E_SCORE), null, null,
        Selection.Rule.topCount(1))).hasMessage("x.json: 0 of 2 samples are valid (have a score token) in every aspect;"
            + " ranking needs at least 2");
  }
}
