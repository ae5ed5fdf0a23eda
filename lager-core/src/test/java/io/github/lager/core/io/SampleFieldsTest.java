package io.github.lager.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.lager.core.InvalidInputException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleFieldsTest {
  @Test
  void readsOneFieldOfEverySampleByIdx() {
    String results = "[{\"idx\": 4, \"skill\": \"Harmlessness\", \"answerable\": false},"
        + " {\"idx\": 2, \"skill\": \"Conciseness\", \"answerable\": 1}]";
    assertThat(SampleFields.read(new StringReader(results), "r.json", "skill"))
        .containsExactly(Map.entry(4L, "Harmlessness"), Map.entry(2L, "Conciseness"));
    assertThat(SampleFields.read(new StringReader(results), "r.json", "answerable"))
        .containsExactly(Map.entry(4L, "false"), Map.entry(2L, "1"));
    assertThatThrownBy(() -> SampleFields.read(new StringReader(results), "r.json", "topic"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("r.json: sample #0 (idx 4): field 'topic' is missing");
    assertThatThrownBy(() -> SampleFields.read(new StringReader(
        "{\"idx\": 1, \"skill\": [\"a\"]}\n"), "r.jsonl", "skill"))
        .hasMessage("r.jsonl:1: sample #0 (idx 1): field 'skill' must be a string, number or"
            + " boolean, found an array");
  }

  @Test
  void inputLinesAreKeptVerbatimByIdx(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("in.jsonl");
    Files.writeString(f, "{\"user_prompt\": \"a\",  \"x\": 1}\n\n{\"user_prompt\": \"b\"}\n"
        + "{\"idx\": 9, \"user_prompt\": \"c\"}\n");
    // without an idx field a line's idx is its line number, blank lines counted (as lager score)
    assertThat(InputLines.read(f)).containsExactly(
        Map.entry(0L, "{\"user_prompt\": \"a\",  \"x\": 1}"),
        Map.entry(2L, "{\"user_prompt\": \"b\"}"),
        Map.entry(9L, "{\"idx\": 9, \"user_prompt\": \"c\"}"));
    Files.writeString(f, "{\"idx\": 1}\n{\"idx\": 1}\n");
    assertThatThrownBy(() -> InputLines.read(f)).hasMessage(f + ":2: idx 1 appears twice");
    Files.writeString(f, "{\"idx\": 1}\n{\"idx\": \n");
    assertThatThrownBy(() -> InputLines.read(f)).hasMessageStartingWith(f + ":2: malformed JSON");
  }
}
