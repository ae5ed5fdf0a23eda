package io.github.lager.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs every example on the bundled sample results, so that the examples cannot rot. */
class ExamplesTest {
  static Path samples() {
    String root = System.getProperty("lager.project.root", "..");
    return Path.of(root, "lager-cli/src/main/resources/io/github/lager/cli/samples");
  }

  static String captureStdout(ThrowingRunnable r) throws Exception {
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      r.run();
    } finally {
      System.setOut(old);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  void tuneThenEvaluateAndRescore(@TempDir Path dir) throws Exception {
    Path data = samples().resolve("tiny-llama-results.json");
    Path valid = samples().resolve("tiny-llama-valid.json");
    Path weights = dir.resolve("weights.json");
    String out = captureStdout(() -> TuneThenEvaluate.main(
        new String[] {data.toString(), valid.toString(), weights.toString()}));
    assertThat(out).contains("15 samples (8 left out, 1 invalid)").contains("lager_w ");
    assertThat(weights).exists();

    Path csv = dir.resolve("scores.csv");
    String out2 = captureStdout(() -> RescoreResults.main(
        new String[] {data.toString(), weights.toString(), csv.toString()}));
    assertThat(out2).contains("scored 23 samples");
    List<String> lines = Files.readAllLines(csv);
    assertThat(lines).hasSize(25).first().isEqualTo("idx,e_score,lager_wo,lager_w");
    assertThat(lines).contains("15,,,"); // the fixture's invalid sample: no score is invented
    // idx 0's lager_wo is the one the reference's evaluation computed (golden eval_uniform)
    String[] first = lines.get(1).split(",");
    assertThat(first[0]).isEqualTo("0");
    assertThat(Double.parseDouble(first[2])).isCloseTo(goldenLagerWo(0), within(1e-5));
  }

  /** The reference evaluation's untuned LAGER score of idx {@code idx} of the tiny-llama fixture. */
  static double goldenLagerWo(long idx) throws Exception {
    JsonObject golden = JsonParser.parseString(Files.readString(Path.of(
        System.getProperty("lager.project.root", ".."), "fixtures/tiny-llama/golden/golden.json")))
        .getAsJsonObject();
    for (var row : golden.getAsJsonObject("eval_uniform").getAsJsonArray("rows")) {
      if (row.getAsJsonObject().get("idx").getAsLong() == idx) {
        return row.getAsJsonObject().get("lager_wo").getAsDouble();
      }
    }
    throw new IllegalStateException("no idx " + idx + " in the golden eval_uniform");
  }

  /** Runs the CLI in this JVM; returns its standard output, failing on a non-zero exit. */
  static String cli(String... args) {
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    int code = io.github.lager.cli.LagerCli.run(new java.io.PrintWriter(out),
        new java.io.PrintWriter(err), args);
    assertThat(code).as(err.toString()).isZero();
    return out.toString();
  }

  /**
   * ScoreFile is `lager score --resume`: the same results and manifest, byte for byte, and each
   * accepts the other's finished output as the same run.
   */
  @Test
  void scoreFileIsTheRunOfLagerScore(@TempDir Path dir) throws Exception {
    Path model = Path.of(System.getProperty("lager.project.root", ".."), "fixtures/tiny-llama");
    Path prompts = Path.of(System.getProperty("lager.project.root", ".."),
        "lager-cli/src/main/resources/io/github/lager/cli/judge/prompts.jsonl");
    Path java = dir.resolve("java.json");
    Path cli = dir.resolve("cli.json");
    String printed = captureStdout(() -> ScoreFile.main(
        new String[] {model.toString(), prompts.toString(), java.toString()}));
    assertThat(printed).contains("7 scored, 1 without a score token, 0 failed");
    cli("score", "--model", model.toString(), "--data", prompts.toString(), "--out",
        cli.toString(), "--resume", "--quiet");
    assertThat(Files.readAllBytes(java)).isEqualTo(Files.readAllBytes(cli));
    assertThat(Files.readAllBytes(dir.resolve("java.json.manifest.json")))
        .isEqualTo(Files.readAllBytes(dir.resolve("cli.json.manifest.json")));
    assertThat(io.github.lager.core.io.ResultsJson.read(java)).hasSize(8);
    assertThat(cli("score", "--model", model.toString(), "--data", prompts.toString(), "--out",
        java.toString(), "--resume", "--quiet")).contains("is already complete (8 samples");
    assertThat(captureStdout(() -> ScoreFile.main(
        new String[] {model.toString(), prompts.toString(), cli.toString()})))
        .contains("is already complete");
  }

  /**
   * An interrupted run resumed from Java ends as the CLI's uninterrupted run: the partial file an
   * interrupted `lager score` leaves (its manifest, then the first samples' lines) is continued by
   * ScoreFile into the same bytes.
   */
  @Test
  void scoreFileResumesAnInterruptedCliRunToTheSameBytes(@TempDir Path dir) throws Exception {
    Path model = Path.of(System.getProperty("lager.project.root", ".."), "fixtures/tiny-llama");
    Path prompts = Path.of(System.getProperty("lager.project.root", ".."),
        "lager-cli/src/main/resources/io/github/lager/cli/judge/prompts.jsonl");
    Path whole = dir.resolve("whole.json");
    cli("score", "--model", model.toString(), "--data", prompts.toString(), "--out",
        whole.toString(), "--batch-size", "2", "--quiet");
    // what a run killed after its first batches leaves: the manifest line, the line of what the
    // backend resolved (device, dtype), then whole lines
    com.google.gson.JsonObject side = JsonParser.parseString(Files.readString(
        dir.resolve("whole.json.manifest.json"))).getAsJsonObject();
    String manifest = side.get("lager_manifest").toString();
    String resolvedLine = "{\"" + io.github.lager.core.io.IncrementalResults.RESOLVED_KEY + "\":"
        + side.get("resolved") + "}\n";
    String body = Files.readString(whole);
    List<String> lines = List.of(body.substring(2, body.length() - 3).split(",\n"));
    assertThat(lines).hasSize(8);
    Path resumed = dir.resolve("resumed.json");
    Files.writeString(dir.resolve("resumed.json.partial.jsonl"), "{\"lager_manifest\":"
        + manifest + "}\n" + resolvedLine + String.join("\n", lines.subList(0, 5)) + "\n");
    String printed = captureStdout(() -> ScoreFileBatch2.main(
        new String[] {model.toString(), prompts.toString(), resumed.toString()}));
    assertThat(printed).contains("scored").doesNotContain("kept 0"); // whole batches were kept
    assertThat(Files.readAllBytes(resumed)).isEqualTo(Files.readAllBytes(whole));
    assertThat(Files.readAllBytes(dir.resolve("resumed.json.manifest.json")))
        .isEqualTo(Files.readAllBytes(dir.resolve("whole.json.manifest.json")));
    assertThat(dir.resolve("resumed.json.partial.jsonl")).doesNotExist();
  }

  /** ScoreFile with --batch-size 2 (more batches, so that a partial file holds whole ones). */
  static final class ScoreFileBatch2 {
    static void main(String[] args) {
      io.github.lager.hf.run.ScoringRun.Result r = io.github.lager.hf.run.ScoringRun.builder(
          Path.of(args[0]), Path.of(args[1]))
          .options(io.github.lager.hf.JudgeOptions.builder().batchSize(2))
          .out(Path.of(args[2]), io.github.lager.core.io.IncrementalResults.Mode.RESUME).run();
      System.out.println("scored " + r.summary().scored() + ", kept " + r.summary().kept());
    }
  }

  /**
   * EvaluateWithStatistics is `lager evaluate --bootstrap 200 --calibrate isotonic --json`: the
   * same JSON report byte for byte and the same console output.
   */
  @Test
  void evaluateWithStatisticsIsLagerEvaluate(@TempDir Path dir) throws Exception {
    Path data = samples().resolve("tiny-llama-results.json");
    Path valid = samples().resolve("tiny-llama-valid.json");
    Path java = dir.resolve("java.json");
    Path cli = dir.resolve("cli.json");
    String printed = captureStdout(() -> EvaluateWithStatistics.main(
        new String[] {data.toString(), valid.toString(), java.toString()}));
    String cliPrinted = cli("evaluate", "--data", data.toString(), "--valid", valid.toString(),
        "--bootstrap", "200", "--calibrate", "isotonic", "--json", cli.toString());
    assertThat(Files.readAllBytes(java)).isEqualTo(Files.readAllBytes(cli));
    assertThat(printed.replace(java.toString(), "REPORT"))
        .isEqualTo(cliPrinted.replace(cli.toString(), "REPORT"));
    assertThat(printed).contains("bootstrap: 200 paired resamples").contains("calibration: isotonic");
  }

  @Test
  void emotionIntensityOnTheBundledItems() throws Exception {
    String root = System.getProperty("lager.project.root", "..");
    Path model = Path.of(root, "fixtures/tiny-qwen2");
    Path items = Path.of(root,
        "examples/src/main/resources/io/github/lager/examples/emotion-items.jsonl");
    String printed = captureStdout(() -> EmotionIntensity.main(
        new String[] {model.toString(), items.toString()}));
    assertThat(printed).contains("12 items on the labels 1-9: ");
    // one line per untuned score with its correlations (numbers of a random-weight judge)
    assertThat(printed.lines().filter(l -> l.matches(
        "(direct_score|e_score|lager_wo) +spearman +(-?\\d\\.\\d{4}|NaN) +pearson .*")).count())
        .isEqualTo(3);
  }
}
