package io.github.lager.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonParser;
import io.github.lager.core.InvalidInputException;
import io.github.lager.core.LagerException;
import io.github.lager.core.io.IncrementalResults.Mode;
import io.github.lager.core.math.LayerLogits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IncrementalResultsTest {
  static final RunManifest MANIFEST = new RunManifest(Map.of("points", "5"));
  static final Function<ScoredSample, Map<String, Double>> NO_EXTRA = s -> Map.of();

  static ScoredSample sample(long idx) {
    return ScoredSample.fromLogits(idx, "p" + idx, HumanScore.of(3),
        LayerLogits.of(3, 5, new float[] {1, 2, 3, 4, 5, 0, 0, 0, 0, 1, 5, 4, 3, idx, 1}),
        new int[] {7, 21}, 1);
  }

  static IncrementalResults open(Path out, Mode mode) {
    return IncrementalResults.open(out, MANIFEST, mode, "test");
  }

  @Test
  void batchesAreOnDiskAsTheyComeAndTheResultIsInIdxOrder(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("results.json");
    IncrementalResults r = open(out, Mode.NEW);
    assertThat(OutputLock.lockFileOf(out)).exists();
    r.writeBatch(List.of(sample(7), sample(2)), s -> Map.of("lager_wo", (double) s.idx()));
    Path partial = IncrementalResults.partialOf(out);
    // on disk before finish: the manifest line, then the batch
    List<String> lines = Files.readAllLines(partial);
    assertThat(lines).hasSize(3);
    assertThat(RunManifest.fromJsonLine(lines.get(0))).contains(MANIFEST);
    assertThat(ResultsJson.read(partial)).extracting(ScoredSample::idx).containsExactly(7L, 2L);
    r.writeBatch(List.of(sample(5)), NO_EXTRA);
    assertThat(r.samplesOnDisk()).isEqualTo(3);
    r.finish();

    assertThat(partial).doesNotExist();
    assertThat(OutputLock.lockFileOf(out)).doesNotExist();
    assertThat(ResultsJson.read(out)).extracting(ScoredSample::idx).containsExactly(2L, 5L, 7L);
    var array = JsonParser.parseString(Files.readString(out)).getAsJsonArray();
    assertThat(array.get(2).getAsJsonObject().get("lager_wo").getAsDouble()).isEqualTo(7.0);
    var side = JsonParser.parseString(Files.readString(IncrementalResults.manifestOf(out)))
        .getAsJsonObject();
    assertThat(side.get("samples").getAsInt()).isEqualTo(3);
    assertThat(side.get("results_sha256").getAsString()).isEqualTo(Sha256.of(out));
    assertThat(RunManifest.fromJson(side.getAsJsonObject(RunManifest.KEY))).isEqualTo(MANIFEST);
  }

  @Test
  void anInterruptedRunResumesOnlyWithTheSameManifest(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("results.json");
    IncrementalResults first = open(out, Mode.NEW);
    first.writeBatch(List.of(sample(1), sample(2)), NO_EXTRA);
    first.close(); // interrupted: no finish()
    Path partial = IncrementalResults.partialOf(out);
    byte[] kept = Files.readAllBytes(partial);

    assertThatThrownBy(() -> open(out, Mode.NEW)).isInstanceOf(InvalidInputException.class)
        .hasMessage(partial + " exists: an earlier run was interrupted with 2 samples on disk."
            + " Pass --resume to continue it, or --overwrite to start over");
    assertThatThrownBy(() -> IncrementalResults.open(out,
        new RunManifest(Map.of("points", "7")), Mode.RESUME, "test"))
        .hasMessage("cannot resume " + partial + ": points: 5 in the earlier run, 7 in this one;"
            + " rerun with the earlier run's model, data and options, or pass --overwrite to start"
            + " over");
    assertThat(Files.readAllBytes(partial)).isEqualTo(kept); // refusals damage nothing

    // a half-written line from a killed process is cut off
    Files.writeString(partial, "{\"idx\": 3, \"pro", StandardOpenOption.APPEND);
    IncrementalResults again = open(out, Mode.RESUME);
    assertThat(again.onDisk()).containsExactlyInAnyOrder(1L, 2L);
    assertThat(Files.readAllBytes(partial)).isEqualTo(kept);
    again.writeBatch(List.of(sample(3)), NO_EXTRA);
    again.finish();
    assertThat(ResultsJson.read(out)).extracting(ScoredSample::idx).containsExactly(1L, 2L, 3L);
  }

  @Test
  void theResolvedDeviceAndDtypeAreRecordedAndAResumeOnOthersIsRefused(@TempDir Path dir)
      throws Exception {
    Path out = dir.resolve("results.json");
    Path partial = IncrementalResults.partialOf(out);
    IncrementalResults first = open(out, Mode.NEW);
    first.recordResolved(Map.of("device", "gpu:0"));
    first.writeBatch(List.of(sample(1), sample(2)), NO_EXTRA);
    first.close();
    List<String> lines = Files.readAllLines(partial);
    assertThat(lines.get(1)).isEqualTo("{\"lager_resolved\":{\"device\":\"gpu:0\"}}");
    assertThat(ResultsJson.read(partial)).extracting(ScoredSample::idx).containsExactly(1L, 2L);
    byte[] kept = Files.readAllBytes(partial);

    IncrementalResults cpu = open(out, Mode.RESUME);
    assertThatThrownBy(() -> cpu.recordResolved(Map.of("device", "cpu")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("cannot resume " + partial + ": device: gpu:0 in the earlier run, cpu in this"
            + " one (as the backend resolved them); rerun with the earlier run's --device and"
            + " --dtype, or pass --overwrite to start over");
    cpu.close();
    assertThat(Files.readAllBytes(partial)).isEqualTo(kept);

    IncrementalResults same = open(out, Mode.RESUME);
    same.recordResolved(Map.of("device", "gpu:0"));
    same.keepOnly(Set.of(1L)); // the rewrite keeps the line
    assertThat(Files.readAllLines(partial).get(1)).isEqualTo(lines.get(1));
    same.writeBatch(List.of(sample(2)), NO_EXTRA);
    same.finish();
    var side = JsonParser.parseString(Files.readString(IncrementalResults.manifestOf(out)))
        .getAsJsonObject();
    assertThat(side.getAsJsonObject("resolved").get("device").getAsString()).isEqualTo("gpu:0");
    assertThat(ResultsJson.read(out)).extracting(ScoredSample::idx).containsExactly(1L, 2L);
  }

  @Test
  void aPartialFileWithoutTheResolvedLineIsRefusedBeforeTheModelLoads(@TempDir Path dir)
      throws Exception {
    Path out = dir.resolve("results.json");
    Path partial = IncrementalResults.partialOf(out);
    IncrementalResults older = open(out, Mode.NEW); // as an older lager wrote it: no resolved line
    older.writeBatch(List.of(sample(1), sample(2)), NO_EXTRA);
    older.close();
    byte[] kept = Files.readAllBytes(partial);

    try (IncrementalResults resumed = open(out, Mode.RESUME)) {
      assertThat(resumed.onDisk()).containsExactlyInAnyOrder(1L, 2L);
      assertThatThrownBy(resumed::requireEarlierResolved).isInstanceOf(InvalidInputException.class)
          .hasMessage(partial + " has no line recording the device and dtype of its scores (an"
              + " older lager wrote it), so this run cannot be checked against it; pass"
              + " --overwrite to start over");
    }
    assertThat(Files.readAllBytes(partial)).isEqualTo(kept);

    try (IncrementalResults fresh = open(out, Mode.OVERWRITE)) {
      fresh.requireEarlierResolved(); // nothing earlier: nothing to check
    }
  }

  @Test
  void theRestOfATornBatchIsDropped(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("results.json");
    IncrementalResults r = open(out, Mode.NEW);
    r.writeBatch(List.of(sample(4), sample(9)), NO_EXTRA);
    r.close();
    // a kill during the next batch's write: one whole line and part of the next reached the file
    Path partial = IncrementalResults.partialOf(out);
    String torn = ResultsJson.toJsonLine(sample(0), Map.of()) + "\n"
        + ResultsJson.toJsonLine(sample(6), Map.of()).substring(0, 40);
    Files.writeString(partial, torn, StandardOpenOption.APPEND);

    IncrementalResults again = open(out, Mode.RESUME);
    assertThat(again.onDisk()).containsExactlyInAnyOrder(0L, 4L, 9L);
    again.keepOnly(Set.of(4L, 9L)); // batch {0, 6} is incomplete: scored again whole
    assertThat(again.onDisk()).containsExactlyInAnyOrder(4L, 9L);
    assertThat(ResultsJson.read(partial)).extracting(ScoredSample::idx).containsExactly(4L, 9L);
    again.writeBatch(List.of(sample(0), sample(6)), NO_EXTRA);
    again.finish();
    assertThat(ResultsJson.read(out)).extracting(ScoredSample::idx)
        .containsExactly(0L, 4L, 6L, 9L);
  }

  @Test
  void aFinishedOutputIsRefusedKeptOrReplacedAsAsked(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("results.json");
    IncrementalResults r = open(out, Mode.NEW);
    r.writeBatch(List.of(sample(1)), NO_EXTRA);
    r.finish();
    byte[] written = Files.readAllBytes(out);

    assertThatThrownBy(() -> open(out, Mode.NEW)).hasMessage(out + " exists. Pass --overwrite"
        + " to replace it, or --resume to check that it is complete");
    IncrementalResults same = open(out, Mode.RESUME);
    assertThat(same.alreadyComplete()).isTrue();
    assertThat(same.completeSamples()).isEqualTo(1);
    assertThat(OutputLock.lockFileOf(out)).doesNotExist();
    assertThatThrownBy(() -> IncrementalResults.open(out, new RunManifest(Map.of("points", "3")),
        Mode.RESUME, "test")).hasMessageContaining("points: 5 in the earlier run, 3 in this one");
    assertThat(Files.readAllBytes(out)).isEqualTo(written);

    Files.writeString(out, "[]\n");
    assertThatThrownBy(() -> open(out, Mode.RESUME)).hasMessage(out + " changed after the run"
        + " that wrote it (its SHA-256 differs from results.json.manifest.json); pass --overwrite"
        + " to score again");
    Files.delete(IncrementalResults.manifestOf(out));
    assertThatThrownBy(() -> open(out, Mode.RESUME)).hasMessageContaining(out + " exists but has"
        + " no results.json.manifest.json");

    IncrementalResults replace = open(out, Mode.OVERWRITE);
    replace.writeBatch(List.of(sample(8)), NO_EXTRA);
    replace.finish();
    assertThat(ResultsJson.read(out)).extracting(ScoredSample::idx).containsExactly(8L);
  }

  @Test
  void aPartialFileWithoutManifestCannotBeResumed(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("results.json");
    Path partial = IncrementalResults.partialOf(out);
    Files.writeString(partial, ResultsJson.toJsonLine(sample(1), Map.of()) + "\n");
    assertThatThrownBy(() -> open(out, Mode.RESUME)).hasMessage(partial + " has no run manifest"
        + " (an older lager wrote it), so it cannot be checked against this run; pass --overwrite"
        + " to start over");
    assertThat(Files.readString(partial)).contains("\"idx\":1");
  }

  @Test
  void aPartialFileWithoutSamplesDoesNotBlockTheNextRun(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("results.json");
    Files.createFile(IncrementalResults.partialOf(out));
    open(out, Mode.NEW).close(); // a run that failed before its first batch
    assertThat(IncrementalResults.partialOf(out)).doesNotExist();
    IncrementalResults r = open(out, Mode.NEW);
    assertThat(r.onDisk()).isEmpty();
    r.writeBatch(List.of(sample(5)), NO_EXTRA);
    r.finish();
    assertThat(ResultsJson.read(out)).extracting(ScoredSample::idx).containsExactly(5L);
  }

  @Test
  void aSecondRunOnTheSameOutputFailsAtOnceNamingTheFirst(@TempDir Path dir) {
    Path out = dir.resolve("results.json");
    try (IncrementalResults first = open(out, Mode.NEW)) {
      assertThatThrownBy(() -> open(out, Mode.OVERWRITE)).isInstanceOf(LagerException.class)
          .hasMessageStartingWith(out + " is being written by another run in this process (pid "
              + ProcessHandle.current().pid() + ")");
      assertThat(first.onDisk()).isEmpty();
    }
    open(out, Mode.NEW).close(); // released
  }

  @Test
  void stopSaysWhatIsKept(@TempDir Path dir) {
    Path out = dir.resolve("results.json");
    IncrementalResults r = open(out, Mode.NEW);
    r.writeBatch(List.of(sample(1), sample(3)), NO_EXTRA);
    assertThat(r.stop()).contains("2 samples kept in " + IncrementalResults.partialOf(out)
        + "; rerun with --resume");
    r.close();
    assertThat(ResultsJson.read(IncrementalResults.partialOf(out))).hasSize(2);
    assertThat(r.stop()).isEmpty();
  }

  @Test
  void aDirectoryAsOutputIsRefused(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> open(dir, Mode.NEW))
        .hasMessage(dir + " is a directory; --out must name a results file");
    Path file = Files.writeString(dir.resolve("plain"), "x", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> open(file.resolve("results.json"), Mode.NEW))
        .hasMessageStartingWith("cannot write " + file + ": ");
  }
}
