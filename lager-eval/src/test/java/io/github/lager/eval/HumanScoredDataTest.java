package io.github.lager.eval;

import static io.github.lager.eval.HumanRangeTest.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.lager.core.InvalidInputException;
import io.github.lager.core.io.HumanScore;
import io.github.lager.core.io.ResultsJson;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

class HumanScoredDataTest {
  @Test
  void everyFileIsCheckedAgainstTheLabelSetOrTheDeclaredRange() {
    SampleSets.Source good = new SampleSets.Source("a.json",
        List.of(sample(0, HumanScore.of(1)), sample(1, HumanScore.of(5))));
    SampleSets.Source seven = new SampleSets.Source("b.json",
        List.of(sample(2, HumanScore.of(3)), sample(3, HumanScore.of(7))));
    HumanScoredData ok = HumanScoredData.check(List.of(good), null);
    assertThat(ok.range()).isEqualTo(new HumanRange(1, 5, false));
    assertThat(ok.labelSet().size()).isEqualTo(5);
    // the second file is checked too, not only the first
    assertThatThrownBy(() -> HumanScoredData.check(List.of(good, seven), null))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("b.json: sample #1 (idx 3): human_score 7, outside the judge's"
            + " scale 1-5");
    HumanScoredData declared = HumanScoredData.check(List.of(good, seven),
        HumanRange.parse("1:10"));
    assertThat(declared.range().declared()).isTrue();
  }

  @Test
  void aNonFiniteHumanScoreIsAnUnusableSampleOfTheReader() {
    String logits = "[[0.1, 0.2, 0.3, 0.4, 0.5], [1, -1, 2, 0, 0.25]]";
    String results = "[" + io.github.lager.core.io.ResultsJsonTest.valid(0, logits)
        .replace("[4, 4, 3]", "NaN") + ", " + io.github.lager.core.io.ResultsJsonTest.valid(1, logits)
        + "]";
    ResultsJson.Contents c = ResultsJson.read(new StringReader(results), "n.json", true);
    assertThat(c.samples()).extracting(s -> s.idx()).containsExactly(1L);
    assertThat(c.problems()).singleElement().asString().startsWith("n.json: sample #0 (idx 0):")
        .contains("field 'human_score'").contains("NaN is not finite");
  }
}
