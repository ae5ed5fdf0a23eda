package io.github.lager.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonParser;
import io.github.lager.core.math.LayerLogits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IncrementalResultsTest {
  static ScoredSample sample(long idx) {
    return ScoredSample.fromLogits(idx, "p" + idx, HumanScore.of(3),
        LayerLogits.of(3, 5, new float[] {1, 2, 3, 4, 5, 0, 0, 0, 0, 1, 5, 4, 3, 2, 1}),
        new int[] {7, 21}, 1);
  }

  @Test
  void interruptedRunsKeepTheirWorkAndResume(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("results.json");
    IncrementalResults first = IncrementalResults.open(out, false);
    first.write(sample(1), Map.of("lager_wo", 2.5));
    first.write(sample(2), Map.of());
    first.close(); // interrupted: no finish()
    Path partial = IncrementalResults.partialOf(out);
    assertThat(ResultsJson.read(partial)).extracting(ScoredSample::idx).containsExactly(1L, 2L);
    // a half-written line from a killed process is dropped
    Files.writeString(partial, "{\"idx\": 3, \"pro", StandardOpenOption.APPEND);

    assertThatThrownBy(() -> IncrementalResults.open(out, false))
        .hasMessageContaining("an earlier run was interrupted. Pass --resume");

    IncrementalResults again = IncrementalResults.open(out, true);
    assertThat(again.alreadyScored()).containsExactlyInAnyOrder(1L, 2L);
    again.write(sample(3), Map.of("lager_wo", 3.0));
    again.finish();
    assertThat(partial).doesNotExist();
    List<ScoredSample> all = ResultsJson.read(out);
    assertThat(all).extracting(ScoredSample::idx).containsExactly(1L, 2L, 3L);
    var array = JsonParser.parseString(Files.readString(out)).getAsJsonArray();
    assertThat(array.get(0).getAsJsonObject().get("lager_wo").getAsDouble()).isEqualTo(2.5);
    assertThat(array.get(2).getAsJsonObject().get("score_step").getAsInt()).isEqualTo(1);
  }

  @Test
  void anEmptyPartialFileFromAFailedStartDoesNotBlockTheNextRun(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("results.json");
    Files.createFile(IncrementalResults.partialOf(out));
    IncrementalResults r = IncrementalResults.open(out, false);
    assertThat(r.alreadyScored()).isEmpty();
    r.write(sample(5), Map.of());
    r.finish();
    assertThat(ResultsJson.read(out)).extracting(ScoredSample::idx).containsExactly(5L);
  }
}
