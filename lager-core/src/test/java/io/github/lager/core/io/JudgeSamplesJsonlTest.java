package io.github.lager.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.lager.core.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JudgeSamplesJsonlTest {
  @Test
  void readsPromptsScoresAndReportsBadLines(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("in.jsonl");
    Files.writeString(f, String.join("\n",
        "{\"user_prompt\": \"a\", \"user_prompt_feedback\": \"a, with feedback\", \"score\": 4}",
        "{\"user_prompt\": \"b\", \"score\": [4, 5, 3]}",
        "{\"user_prompt\": \"c\", \"score\": ",
        "",
        "{\"score\": 3}",
        "{\"user_prompt\": \"d\"}"));
    JudgeSamplesJsonl.Contents c = JudgeSamplesJsonl.read(f);
    assertThat(c.samples()).extracting(x -> x.userPrompt().orElseThrow())
        .containsExactly("a", "b", "d");
    // idx is the line's position, counting the blank and unusable lines: fixing line 3 later
    // gives it idx 2 and renumbers nothing else
    assertThat(c.samples()).extracting(JudgeSample::idx).containsExactly(0L, 1L, 5L);
    assertThat(c.samples().get(0).userPromptFeedback()).contains("a, with feedback");
    assertThat(c.samples().get(1).humanScore().orElseThrow().mean()).isEqualTo(4.0);
    assertThat(c.samples().get(2).humanScore()).isEmpty();
    assertThat(c.problems()).hasSize(2);
    assertThat(c.problems().get(0)).startsWith(f + ":3: malformed JSON");
    assertThat(c.problems().get(1)).isEqualTo(f + ":5: field 'user_prompt' is missing; a line"
        + " holds a rendered judge prompt in user_prompt, or fields (instruction, response, ...)"
        + " for a prompt template given with --template");
    assertThatThrownBy(() -> JudgeSamplesJsonl.read(f, true))
        .isInstanceOf(InvalidInputException.class).hasMessageStartingWith(f + ":3: malformed JSON");
  }

  @Test
  void explicitIdxIsKeptAndMustBeUnique(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("in.jsonl");
    Files.writeString(f, "{\"idx\": 40, \"user_prompt\": \"a\"}\n{\"idx\": 40, \"user_prompt\": \"b\"}\n"
        + "{\"idx\": 41, \"user_prompt\": \"c\", \"score\": \"five\"}\n");
    JudgeSamplesJsonl.Contents c = JudgeSamplesJsonl.read(f);
    assertThat(c.samples()).extracting(JudgeSample::idx).containsExactly(40L);
    assertThat(c.problems()).containsExactly(f + ":2: idx 40 appears twice",
        f + ":3: field 'score' must be a number, found the string \"five\"");
  }

  @Test
  void emptyAndMissingFilesAreErrors(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("empty.jsonl");
    Files.writeString(f, "\n\n");
    assertThatThrownBy(() -> JudgeSamplesJsonl.read(f))
        .hasMessage(f + ": no usable sample (the file is empty)");
    assertThatThrownBy(() -> JudgeSamplesJsonl.read(dir.resolve("x.jsonl")))
        .hasMessageStartingWith("input file not found");
  }

  @Test
  void readsTheRealJudgePrompts() {
    Path f = io.github.lager.core.TestData.sharedData()
        .map(d -> d.resolve("mt_bench_digit.jsonl")).filter(Files::exists).orElse(null);
    org.junit.jupiter.api.Assumptions.assumeTrue(f != null, "../shared/data is absent");
    JudgeSamplesJsonl.Contents c = JudgeSamplesJsonl.read(f, true);
    assertThat(c.samples()).hasSize(400);
    assertThat(c.samples()).allMatch(s -> s.userPromptFeedback().isPresent()
        && s.humanScore().isPresent());
  }

  @Test
  void fieldsAreKeptAndSwappingTwiceGivesBackTheSample(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("pairs.jsonl");
    Files.writeString(f, "{\"instruction\": \"Q?\", \"response_a\": \"first\", \"model_a\":"
        + " \"m1\", \"response_b\": \"second\", \"model_b\": \"m2\", \"turn\": 1,"
        + " \"score\": [0, 2, 0]}\n{\"instruction\": \"no pair\"}\n");
    assertThatThrownBy(() -> JudgeSamplesJsonl.read(f, true))
        .hasMessageContaining("field 'user_prompt' is missing");
    List<JudgeSample> samples = JudgeSamplesJsonl.read(f, true, true).samples();
    JudgeSample s = samples.get(0);
    assertThat(s.userPrompt()).isEmpty();
    assertThat(s.fields().keySet()).containsExactly("instruction", "response_a", "model_a",
        "response_b", "model_b", "turn", "score");
    assertThat(s.humanScore().orElseThrow().values()).containsExactly(0, 2, 0);
    JudgeSample swapped = s.swapped();
    assertThat(swapped.field("response_a").orElseThrow().getAsString()).isEqualTo("second");
    assertThat(swapped.field("model_b").orElseThrow().getAsString()).isEqualTo("m1");
    assertThat(swapped.field("instruction")).isEqualTo(s.field("instruction"));
    assertThat(swapped.fields().keySet()).containsExactlyElementsOf(s.fields().keySet());
    assertThat(swapped.swapped()).isEqualTo(s);
    assertThatThrownBy(() -> samples.get(1).swapped())
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("idx 1: no response_a and response_b; judging in both orders (--pairwise)"
            + " swaps the fields response_a and response_b");
  }

  @Test
  void theHumanMajorityIsTheLabelGivenMostOften() {
    assertThat(HumanScore.ofAnnotators(0, 2, 0).majority()).hasValue(0);
    assertThat(HumanScore.ofAnnotators(1, 1, 2, 2, 1).majority()).hasValue(1);
    assertThat(HumanScore.ofAnnotators(0, 2).majority()).isEmpty();
    assertThat(HumanScore.ofAnnotators(0, 1, 2).majority()).isEmpty();
    assertThat(HumanScore.ofAnnotators(0, 0, 2, 2).majority()).isEmpty();
    assertThat(HumanScore.of(2).majority()).hasValue(2);
  }
}
