package io.github.lager.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.lager.core.InvalidInputException;
import io.github.lager.core.io.HumanScore;
import io.github.lager.core.io.ScoredSample;
import io.github.lager.core.math.LayerLogits;
import io.github.lager.core.math.ScoreMethod;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class AnswerabilityAndGroupsTest {
  static ScoredSample sample(long idx, double eScore, double human, String prompt) {
    return new ScoredSample(idx, Optional.ofNullable(prompt), Optional.of(HumanScore.of(human)),
        3, eScore, 3, Optional.of(LayerLogits.of(new float[][] {{0, 0, 0}, {0, 0, 0}})),
        Optional.empty(), Optional.empty());
  }

  @Test
  void lowScoresPredictUnanswerable() {
    List<ScoredSample> s = List.of(sample(0, 1.0, 1, null), sample(1, 1.5, 2, null),
        sample(2, 2.0, 3, null), sample(3, 3.0, 4, null), sample(4, 5.0, 5, null));
    ScoreColumns columns = ScoreColumns.of(s, List.of(ScoreMethod.E_SCORE), null, null);
    // answerable: 0 no, 1 no, 2 yes, 3 no, 4 yes; threshold 1 + 0.25 x 4 = 2.0 -> 0, 1, 2.
    Map<Long, String> labels = Map.of(0L, "false", 1L, "0", 2L, "true", 3L, "0.0", 4L, "1");
    Answerability.Report r = Answerability.evaluate(columns, labels, "answerable", 0.25);
    Answerability.Result e = r.results().get(ScoreMethod.E_SCORE);
    assertThat(e.threshold()).isEqualTo(2.0);
    assertThat(e.unanswerable().truePositives()).isEqualTo(2);
    assertThat(e.unanswerable().falsePositives()).isEqualTo(1);
    assertThat(e.unanswerable().falseNegatives()).isEqualTo(1);
    assertThat(e.unanswerable().precision()).isEqualTo(2.0 / 3);
    assertThat(e.unanswerable().f1()).isEqualTo(4.0 / 6);
    assertThat(r.unanswerable()).isEqualTo(3);
    assertThat(r.answerable()).isEqualTo(2);
  }

  @Test
  void labelsThatAreNotYesOrNoAreRefusedNamingTheSample() {
    List<ScoredSample> s = List.of(sample(0, 1.0, 1, null), sample(5, 2.0, 2, null));
    ScoreColumns columns = ScoreColumns.of(s, List.of(ScoreMethod.E_SCORE), null, null);
    assertThatThrownBy(() -> Answerability.evaluate(columns, Map.of(0L, "false", 5L, "maybe"),
        "answerable", 0.5)).isInstanceOf(InvalidInputException.class)
        .hasMessage("idx 5: field 'answerable' is \"maybe\"; expected whether the question is"
            + " answerable: true/false or 1/0");
    assertThatThrownBy(() -> Answerability.evaluate(columns, Map.of(0L, "true", 5L, "1"),
        "answerable", 0.5)).hasMessageContaining("no evaluated sample is labelled unanswerable");
    assertThatThrownBy(() -> Answerability.evaluate(columns, Map.of(0L, "true"),
        "answerable", 0.5)).hasMessage("idx 5 has no 'answerable' label");
    assertThatThrownBy(() -> Answerability.evaluate(columns, Map.of(0L, "0", 5L, "1"),
        "answerable", 1.5)).hasMessageContaining("[0, 1], got 1.5");
  }

  @Test
  void groupsByALabelOrARegexOverThePrompt() {
    List<ScoredSample> s = new ArrayList<>();
    String[] skills = {"Conciseness", "Harmlessness", "Conciseness", "Conciseness", "Harmlessness",
        "Harmlessness", "Conciseness", "Readability"};
    for (int i = 0; i < skills.length; i++) {
      s.add(sample(i, 1 + i % 4, 1 + (i * 3) % 5, "Rubric: [" + skills[i] + "] score 1-5"));
    }
    ScoreColumns columns = ScoreColumns.of(s, List.of(ScoreMethod.E_SCORE), null, null);
    Map<Long, String> labels = Groups.labelsFromPrompts(s, Pattern.compile("\\[([^\\]]+)\\]"));
    Map<String, ScoreColumns> groups = Groups.split(columns, labels, "skill");
    assertThat(groups.keySet()).containsExactly("Conciseness", "Harmlessness", "Readability");
    ScoreColumns concise = groups.get("Conciseness");
    assertThat(concise.idx()).containsExactly(0, 2, 3, 6);
    assertThat(concise.scores(ScoreMethod.E_SCORE)).containsExactly(1, 3, 4, 3);
    assertThat(concise.human()).containsExactly(1, 2, 5, 4);
    assertThat(Evaluation.evaluate(concise).n()).isEqualTo(4);

    Map<Long, String> missing = new LinkedHashMap<>(labels);
    missing.remove(3L);
    assertThatThrownBy(() -> Groups.split(columns, missing, "field 'skill'"))
        .hasMessage("idx 3 has no field 'skill' to group by");
    assertThatThrownBy(() -> Groups.labelsFromPrompts(s, Pattern.compile("Skill: (\\w+)")))
        .hasMessageContaining("idx 0: the prompt does not match the group regex /Skill: (\\w+)/");
  }
}
