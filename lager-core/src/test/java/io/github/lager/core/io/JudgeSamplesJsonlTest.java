package io.github.lager.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.lager.core.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
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
    assertThat(c.samples()).extracting(JudgeSample::userPrompt).containsExactly("a", "b", "d");
    // idx is the line's position, counting the blank and unusable lines: fixing line 3 later
    // gives it idx 2 and renumbers nothing else
    assertThat(c.samples()).extracting(JudgeSample::idx).containsExactly(0L, 1L, 5L);
    assertThat(c.samples().get(0).userPromptFeedback()).contains("a, with feedback");
    assertThat(c.samples().get(1).humanScore().orElseThrow().mean()).isEqualTo(4.0);
    assertThat(c.samples().get(2).humanScore()).isEmpty();
    assertThat(c.problems()).hasSize(2);
    assertThat(c.problems().get(0)).startsWith(f + ":3: malformed JSON");
    assertThat(c.problems().get(1)).isEqualTo(f + ":5: field 'user_prompt' is missing");
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
}
