package io.github.lager.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.gson.JsonParser;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

class JsonErrorsTest {
  @Test
  void gsonsAdviceAndUrlAreLeftOutOfTheOneLine() {
    for (String text : new String[] {"[{\"idx\": 0, \"human_score\": 3,, }]", "{\"a\": tru}",
        "{\"a\": 1", "[1, 2,", "{'a': 1}"}) {
      Throwable t = catchThrowable(() -> {
        com.google.gson.stream.JsonReader strict =
            new com.google.gson.stream.JsonReader(new StringReader(text));
        strict.setStrictness(com.google.gson.Strictness.STRICT);
        JsonParser.parseReader(strict);
      });
      assertThat(t).as(text).isNotNull();
      String m = JsonErrors.message(t);
      assertThat(m).as(text).doesNotContain("\n").doesNotContain("http").doesNotContain("gson")
          .doesNotContain("JsonReader").doesNotContain("setStrictness").isNotBlank();
    }
    Throwable t = catchThrowable(() -> JsonParser.parseString("[{\"idx\": 0,, }]"));
    assertThat(JsonErrors.message(t)).startsWith("Expected name at line 1 column");
  }

  @Test
  void theResultsReaderSaysWhereInOneLine() {
    Throwable t = catchThrowable(() -> ResultsJson.read(new StringReader(
        "[{\"idx\": 0, \"human_score\": 3,, }]"), "bad.json", true));
    assertThat(t.getMessage()).isEqualTo("bad.json: malformed JSON after 0 samples: Expected name"
        + " at line 1 column 30 path $[0].human_score");
  }
}
