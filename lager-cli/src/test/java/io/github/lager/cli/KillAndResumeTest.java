package io.github.lager.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import io.github.lager.core.io.IncrementalResults;
import io.github.lager.core.io.ResultsJson;
import io.github.lager.core.io.ScoredSample;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lager score} as a separate process, stopped the hard way: SIGKILL (no cleanup at all) and
 * SIGTERM (the JVM's shutdown) once at least two batches are on disk, then {@code --resume}. The
 * resumed file must equal an uninterrupted run's byte for byte: no sample lost, none scored twice,
 * none computed in another batch.
 */
class KillAndResumeTest {
  static final int PROMPTS = 240;
  static final int BATCH = 4;
  static final long TIMEOUT_S = 300;

  @TempDir
  static Path dir;
  static Path data;
  static Path uninterrupted;

  @BeforeAll
  static void uninterruptedRun() throws Exception {
    data = prompts(dir.resolve("many.jsonl"));
    uninterrupted = dir.resolve("uninterrupted.json");
    Process p = lager(dir.resolve("uninterrupted"), uninterrupted);
    assertThat(p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(log(dir.resolve("uninterrupted"))).isZero();
    assertThat(ResultsJson.read(uninterrupted)).hasSize(PROMPTS);
  }

  /** The golden prompts with suffixes of varied length, so that batches mix lengths. */
  static Path prompts(Path file) throws IOException {
    List<String> golden = Files.readAllLines(ScoreCommandTest.promptsFile(dir, "tiny-qwen2"));
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < PROMPTS; i++) {
      JsonObject o = com.google.gson.JsonParser.parseString(golden.get(i % golden.size()))
          .getAsJsonObject();
      o.addProperty("user_prompt", o.get("user_prompt").getAsString()
          + (" Variant " + i + ".").repeat(i % 5));
      lines.add(o.toString());
    }
    return Files.write(file, lines);
  }

  /** Starts {@code lager score} in a child JVM with this test's class path; logs to {@code log}. */
  static Process lager(Path log, Path out, String... more) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
        "-Dai.djl.offline=true", "-Dlager.project.root=" + ScoreCommandTest.fixture("..")
            .normalize(),
        LagerCli.class.getName(), "score", "--model",
        ScoreCommandTest.fixture("tiny-qwen2").toString(), "--data", data.toString(),
        "--out", out.toString(), "--batch-size", Integer.toString(BATCH)));
    cmd.addAll(List.of(more));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    // one intra-op thread: the runs agree with each other and are not slowed by a busy machine
    pb.environment().put("OMP_NUM_THREADS", "1");
    return pb.start();
  }

  static String log(Path log) throws IOException {
    return Files.exists(log) ? Files.readString(log) : "(no log)";
  }

  /** Complete sample lines in the partial file (the manifest line and a torn tail excluded). */
  static int samplesOnDisk(Path out) throws IOException {
    Path partial = IncrementalResults.partialOf(out);
    if (!Files.exists(partial)) {
      return 0;
    }
    String text = new String(Files.readAllBytes(partial), StandardCharsets.UTF_8);
    int complete = text.lastIndexOf('\n') + 1;
    return (int) text.substring(0, complete).lines().filter(l -> l.startsWith("{\"idx\"")).count();
  }

  /** Waits until at least two batches are on disk, while the run is still going. */
  static void awaitTwoBatches(Process p, Path out, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
    while (samplesOnDisk(out) < 2 * BATCH) {
      assertThat(p.isAlive()).as("the run ended before two batches were on disk: %s", log(log))
          .isTrue();
      assertThat(System.nanoTime()).as("two batches on disk in time").isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  @Test
  void killNineThenResumeEndsByteIdenticalToAnUninterruptedRun() throws Exception {
    Path out = dir.resolve("killed.json");
    Path log = dir.resolve("killed.log");
    Process run = lager(log, out);
    awaitTwoBatches(run, out, log);
    run.destroyForcibly(); // SIGKILL: no shutdown hook, no flush, nothing
    assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(run.exitValue()).isEqualTo(137);
    int atKill = samplesOnDisk(out);
    assertThat(atKill).isGreaterThanOrEqualTo(2 * BATCH).isLessThan(PROMPTS);

    Path resumeLog = dir.resolve("killed-resume.log");
    Process resume = lager(resumeLog, out, "--resume");
    assertThat(resume.waitFor(TIMEOUT_S, TimeUnit.SECONDS)).isTrue();
    assertThat(resume.exitValue()).as(log(resumeLog)).isZero();
    Matcher m = Pattern.compile("resuming .*: (\\d+) samples on disk, (\\d+) to score")
        .matcher(log(resumeLog));
    assertThat(m.find()).as(log(resumeLog)).isTrue();
    int kept = Integer.parseInt(m.group(1));
    // every whole batch on disk is kept; only a batch torn by the kill is scored again
    assertThat(kept).isGreaterThanOrEqualTo(atKill - (BATCH - 1)).isLessThanOrEqualTo(atKill);
    assertThat(kept + Integer.parseInt(m.group(2))).isEqualTo(PROMPTS);

    assertThat(ResultsJson.read(out)).extracting(ScoredSample::idx).hasSize(PROMPTS)
        .doesNotHaveDuplicates();
    assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(uninterrupted));
    assertThat(IncrementalResults.partialOf(out)).doesNotExist();
  }

  @Test
  void sigtermFinishesTheWriteSaysWhatIsKeptAndResumes() throws Exception {
    Path out = dir.resolve("stopped.json");
    Path log = dir.resolve("stopped.log");
    Process run = lager(log, out);
    awaitTwoBatches(run, out, log);
    run.destroy(); // SIGTERM
    assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(run.exitValue()).isEqualTo(143);
    Path partial = IncrementalResults.partialOf(out);
    byte[] bytes = Files.readAllBytes(partial);
    assertThat(bytes[bytes.length - 1]).as("no torn line").isEqualTo((byte) '\n');
    int onDisk = samplesOnDisk(out);
    assertThat(onDisk % BATCH).as("whole batches only").isZero();
    assertThat(log(log)).contains("lager score: interrupted: " + onDisk + " samples kept in "
        + partial + "; rerun with --resume");

    Path resumeLog = dir.resolve("stopped-resume.log");
    Process resume = lager(resumeLog, out, "--resume");
    assertThat(resume.waitFor(TIMEOUT_S, TimeUnit.SECONDS)).isTrue();
    assertThat(resume.exitValue()).as(log(resumeLog)).isZero();
    assertThat(log(resumeLog)).contains("resuming " + partial + ": " + onDisk + " samples on disk");
    assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(uninterrupted));
  }
}
