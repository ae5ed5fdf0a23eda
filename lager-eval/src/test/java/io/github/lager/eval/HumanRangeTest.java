package io.github.lager.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.lager.core.InvalidInputException;
import io.github.lager.core.io.HumanScore;
import io.github.lager.core.io.ScoredSample;
import io.github.lager.core.math.LayerLogits;
import java.util.List;
import org.junit.jupiter.api.Test;

class HumanRangeTest {
  static ScoredSample sample(long idx, HumanScore h) {
    return ScoredSample.fromLogits(idx, "p", h, LayerLogits.of(2, 5, new float[] {1, 2, 3, 4, 5, 5, 4, 3, 2, 1}),
        new int[] {1}, 0);
  }

  @Test
  void scoresOutsideTheScaleAreErrorsNamingTheSample() {
    List<ScoredSample> samples = List.of(sample(10, HumanScore.of(4)),
        sample(11, HumanScore.ofAnnotators(4, 42, 3)));
    assertThatThrownBy(() -> HumanRange.ofScale(5).check(samples, "f.json"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("f.json: sample #1 (idx 11): human_score holds 42, outside the judge's scale"
            + " 1-5; pass --human-range MIN:MAX if the human scores use another scale, or score"
            + " with the judge's labels (--labels 0,1,2 for pairwise labels 0-2)");
    List<ScoredSample> pairwise = List.of(sample(0, HumanScore.of(0)), sample(1, HumanScore.of(2)));
    assertThatThrownBy(() -> HumanRange.ofScale(5).check(pairwise, "pairs.json"))
        .hasMessageStartingWith("pairs.json: sample #0 (idx 0): human_score 0, outside the"
            + " judge's scale 1-5");
    HumanRange.parse("0:2").check(pairwise, "pairs.json"); // declared: accepted
    // results on the labels 0,1,2: their range is the default
    HumanRange labels = HumanRange.ofScale(
        io.github.lager.core.math.LabelSetSyntax.parse("0,1,2", null));
    labels.check(pairwise, "pairs.json");
    assertThat(labels).isEqualTo(new HumanRange(0, 2, false));
    assertThatThrownBy(() -> HumanRange.parse("0:1").check(pairwise, "pairs.json"))
        .hasMessage("pairs.json: sample #1 (idx 1): human_score 2, outside --human-range 0:1");
  }

  @Test
  void parsesMinMax() {
    assertThat(HumanRange.parse("1:10")).isEqualTo(new HumanRange(1, 10, true));
    assertThat(HumanRange.parse(" 0.5 : 4.5 ").min()).isEqualTo(0.5);
    for (String bad : new String[] {"5", "5:1", "a:b", "1:2:3", "", "NaN:1"}) {
      assertThatThrownBy(() -> HumanRange.parse(bad))
          .isInstanceOf(io.github.lager.core.BadOptionException.class)
          .hasMessage("--human-range expects MIN:MAX with numbers MIN <= MAX (e.g. 1:5 or 0:2),"
              + " found '" + bad + "'");
    }
  }
}
