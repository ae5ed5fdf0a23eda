package io.github.lager.cli;

import static io.github.lager.cli.BadInputTest.assertOneLineError;
import static io.github.lager.cli.BadInputTest.assertUnchanged;
import static io.github.lager.cli.BadInputTest.snapshot;
import static io.github.lager.cli.EvaluateCommandTest.lager;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The defects the second new-user trial of issue 18 found (docs/troubleshooting.md lists the
 * messages): each case asserts the exit status, the one-line message and that no file changed.
 */
class TrialFindingsTest {
  @Test
  void aPipeGivenAsAnInputIsRefusedAtOnceInsteadOfBlocking(@TempDir Path dir) throws Exception {
    Path fifo = dir.resolve("fifo.json");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
    // a FIFO with no writer would block a read forever: the check must come before opening it
    var r = assertTimeoutPreemptively(Duration.ofSeconds(60),
        () -> lager("evaluate", "--data", fifo.toString()));
    assertOneLineError(r, 1, "lager evaluate: error: cannot read " + fifo + ": it is not a regular"
        + " file (a pipe, device or socket); save it to a file and give that");
  }

  @Test
  void aByteOrderMarkBeforeAResultsFileIsRead(@TempDir Path dir) throws IOException {
    Path data = BadInputTest.bundled(dir, BundledSamples.DATA);
    byte[] body = Files.readAllBytes(data);
    byte[] withBom = new byte[body.length + 3];
    withBom[0] = (byte) 0xef;
    withBom[1] = (byte) 0xbb;
    withBom[2] = (byte) 0xbf;
    System.arraycopy(body, 0, withBom, 3, body.length);
    Path bom = Files.write(dir.resolve("bom.json"), withBom);
    var plain = lager("evaluate", "--data", data.toString());
    var marked = lager("evaluate", "--data", bom.toString());
    assertThat(marked.code()).as(marked.err()).isZero();
    assertThat(marked.out().replace(bom.toString(), data.toString())).isEqualTo(plain.out());
  }

  @Test
  void aRepeatedIdxInOneResultsFileIsLeftOutAndListed(@TempDir Path dir) throws IOException {
    Path data = BadInputTest.bundled(dir, BundledSamples.DATA);
    JsonArray a = JsonParser.parseString(Files.readString(data)).getAsJsonArray();
    a.add(a.get(3).deepCopy());
    Path dup = Files.writeString(dir.resolve("dup.json"), a.toString());
    var before = snapshot(dup);
    var r = lager("evaluate", "--data", dup.toString());
    assertThat(r.code()).as(r.err()).isEqualTo(LagerCli.EXIT_SKIPPED);
    assertThat(r.err()).isEqualTo("skipped " + dup + ": sample #24: idx 3 appears twice in the"
        + " file (first at sample #3); each sample needs its own idx" + System.lineSeparator());
    assertThat(r.out()).contains("24 unique samples");
    assertUnchanged(before);
  }

  @Test
  void outOfRangeAndUnknownOptionValuesAreUsageErrors(@TempDir Path dir) throws IOException {
    Path data = BadInputTest.bundled(dir, BundledSamples.DATA);
    Path weights = dir.resolve("w.json");
    assertOneLineError(lager("tune", "--data", data.toString(), "--out", weights.toString(),
        "--epochs", "10001"), 2, "lager tune: usage: --epochs must be at most 10000, found 10001");
    assertThat(weights).doesNotExist();
    Path prompts = BadInputTest.prompts(dir, 2);
    Path out = dir.resolve("r.json");
    for (String option : new String[] {"--dtype", "--backend"}) {
      var r = BadInputTest.score(prompts, out, option, "bogus");
      assertThat(r.code()).as(r.err()).isEqualTo(2);
      assertThat(r.err()).startsWith("lager score: usage: ").contains("bogus")
          .doesNotContain("Exception").doesNotContain("\tat ");
      assertThat(r.err().strip()).doesNotContain("\n");
    }
    assertThat(out).doesNotExist();
    var empty = lager("evaluate", "--data", data.toString(), "--score", "");
    assertThat(empty.code()).as(empty.err()).isEqualTo(2);
    assertThat(empty.err()).startsWith("lager evaluate: usage: ");
  }
}
