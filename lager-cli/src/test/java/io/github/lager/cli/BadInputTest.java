package io.github.lager.cli;

import static io.github.lager.cli.EvaluateCommandTest.lager;
import static io.github.lager.cli.ScoreCommandTest.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import io.github.lager.core.io.IncrementalResults;
import io.github.lager.core.io.LayerWeightsJson;
import io.github.lager.core.io.OutputLock;
import io.github.lager.core.io.ResultsJson;
import io.github.lager.core.io.ScoredSample;
import io.github.lager.core.math.LayerWeights;
import io.github.lager.eval.ResultsInput;
import io.github.lager.eval.report.ReportCharts;
import io.github.lager.eval.report.ReportTable;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad-input suite: one test per class of mistake a user makes, each asserting the one-line
 * message (no stack trace) and that no input or result file was damaged. The kill -9 / SIGTERM
 * cases, which need a separate process, are in {@link KillAndResumeTest}.
 */
class BadInputTest {
  static final String MODEL = "tiny-qwen2";

  /** The first {@code n} golden prompts as input JSON Lines, with human scores. */
  static Path prompts(Path dir, int n) throws IOException {
    List<String> lines = Files.readAllLines(ScoreCommandTest.promptsFile(dir, MODEL));
    Path f = dir.resolve("prompts-" + n + ".jsonl");
    Files.write(f, lines.subList(0, n));
    return f;
  }

  static EvaluateCommandTest.Run score(Path data, Path out, String... more) {
    List<String> args = new ArrayList<>(List.of("score", "--model", fixture(MODEL).toString(),
        "--data", data.toString(), "--out", out.toString(), "--quiet"));
    args.addAll(List.of(more));
    return lager(args.toArray(String[]::new));
  }

  static void assertOneLineError(EvaluateCommandTest.Run r, int code, String message) {
    assertThat(r.code()).as(r.err()).isEqualTo(code);
    assertThat(r.err()).contains(message).doesNotContain("\tat ").doesNotContain("Exception");
  }

  // --- score: the data file -------------------------------------------------------------------

  @Test
  void dataThatIsADirectoryMissingOrNotTextIsNamed(@TempDir Path dir) throws IOException {
    Path out = dir.resolve("r.json");
    assertOneLineError(score(dir, out), 1,
        "lager score: error: cannot read " + dir + ": it is a directory; give a file");
    assertOneLineError(score(dir.resolve("nope.jsonl"), out), 1,
        "lager score: bad input: input file not found: " + dir.resolve("nope.jsonl"));
    Path binary = Files.write(dir.resolve("model.bin"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
    assertOneLineError(score(binary, out), 1,
        "lager score: error: cannot read " + binary + ": it is not UTF-8 text");
    assertThat(out).doesNotExist();
    assertThat(IncrementalResults.partialOf(out)).doesNotExist();
  }

  @Test
  void unusableLinesAreSkippedCountedAndGiveExitStatus3(@TempDir Path dir) throws IOException {
    List<String> lines = new ArrayList<>(Files.readAllLines(prompts(dir, 4)));
    lines.add(1, "{\"user_prompt\": \"cut short");
    Path data = Files.write(dir.resolve("in.jsonl"), lines);
    Path out = dir.resolve("r.json");
    var r = score(data, out);
    assertThat(r.code()).as(r.err()).isEqualTo(LagerCli.EXIT_SKIPPED);
    assertThat(r.err()).contains("skipped " + data + ":2: malformed JSON");
    assertThat(r.out()).contains("scored 4 of 4 samples")
        .contains("1 unusable input line was left out (listed above as \"skipped\"); exit status 3"
            + " (--skip-bad: 0)");
    // idx is the line position: the skipped line 2 keeps idx 1 free, nothing is renumbered
    assertThat(ResultsJson.read(out)).extracting(ScoredSample::idx).containsExactly(0L, 2L, 3L, 4L);

    var again = score(data, out, "--overwrite", "--skip-bad");
    assertThat(again.code()).as(again.err()).isZero();
    assertThat(again.out()).contains("1 unusable input line was left out")
        .doesNotContain("exit status 3");

    // fixing the line changes the data: a resume is refused, naming the hash, and damages nothing
    byte[] results = Files.readAllBytes(out);
    lines.set(1, lines.get(0));
    Files.write(data, lines);
    var fixed = score(data, out, "--resume");
    assertOneLineError(fixed, 1, "lager score: bad input: cannot resume " + out
        + ": data_sha256: ");
    assertThat(Files.readAllBytes(out)).isEqualTo(results);
  }

  // --- score: outputs ---------------------------------------------------------------------------

  @Test
  void anOutputThatIsAnInputIsRefusedBeforeAnythingRuns(@TempDir Path dir) throws IOException {
    Path data = prompts(dir, 2);
    byte[] before = Files.readAllBytes(data);
    assertOneLineError(score(data, data), 1, "lager score: bad input: --out " + data
        + " is the same file as --data " + data + ": lager never writes over an input; choose"
        + " another --out");
    assertThat(Files.readAllBytes(data)).isEqualTo(before);

    Path config = fixture(MODEL).resolve("config.json");
    byte[] configBytes = Files.readAllBytes(config);
    assertOneLineError(score(data, config), 1, "is the same file as --model (config.json) "
        + config);
    assertThat(Files.readAllBytes(config)).isEqualTo(configBytes);

    Path w = dir.resolve("w.json");
    LayerWeightsJson.write(w, LayerWeights.uniform(5));
    assertOneLineError(score(data, w, "--weights", w.toString()), 1,
        "--out " + w + " is the same file as --weights " + w);
    // the partial file beside --out must not be an input either
    Path out = dir.resolve("x.json");
    Path partial = IncrementalResults.partialOf(out);
    Files.copy(data, partial);
    assertOneLineError(score(partial, out), 1, "--out (its partial file) " + partial
        + " is the same file as --data " + partial);
    assertThat(Files.readAllBytes(partial)).isEqualTo(before);
  }

  @Test
  void outputsThatCannotBeWrittenAreFoundBeforeTheModelLoads(@TempDir Path dir) throws IOException {
    Path data = prompts(dir, 2);
    var r = score(data, dir);
    assertOneLineError(r, 1, "lager score: bad input: " + dir + " is a directory; --out must name"
        + " a results file");
    assertThat(r.err()).doesNotContain("DJL backend"); // refused before loading
    Path file = Files.writeString(dir.resolve("plain.txt"), "not a directory");
    var under = score(data, file.resolve("r.json"));
    assertOneLineError(under, 1, "lager score: error: cannot write " + file
        + ": it exists and is not a directory; check the path");
    assertThat(under.err()).doesNotContain("DJL backend");
  }

  @Test
  void anExistingOutputIsNeverReplacedByAccident(@TempDir Path dir) throws IOException {
    Path data = prompts(dir, 3);
    Path out = dir.resolve("r.json");
    assertThat(score(data, out).code()).isZero();
    byte[] results = Files.readAllBytes(out);

    assertOneLineError(score(data, out), 1, "lager score: bad input: " + out + " exists. Pass"
        + " --overwrite to replace it, or --resume to check that it is complete");
    var same = score(data, out, "--resume");
    assertThat(same.code()).as(same.err()).isZero();
    assertThat(same.out()).contains(out + " is already complete (3 samples, same model, data and"
        + " options): nothing to do");
    assertOneLineError(score(data, out, "--resume", "--points", "4"), 1, "lager score: bad input:"
        + " cannot resume " + out + ": labels: [\"1\",\"2\",\"3\",\"4\",\"5\"] in the earlier run,"
        + " [\"1\",\"2\",\"3\",\"4\"] in this one; rerun with the"
        + " earlier run's model, data and options, or pass --overwrite to start over");
    assertOneLineError(score(data, out, "--resume", "--max-new-tokens", "12"), 1,
        "max_new_tokens: 10 in the earlier run, 12 in this one");
    assertThat(Files.readAllBytes(out)).isEqualTo(results);

    var both = score(data, out, "--resume", "--overwrite");
    assertThat(both.code()).isEqualTo(LagerCli.EXIT_USAGE);
    assertThat(both.err()).contains("--resume and --overwrite are mutually exclusive");
    assertThat(score(data, out, "--overwrite").code()).isZero();
    assertThat(Files.readAllBytes(out)).isEqualTo(results); // same work, same bytes
  }

  @Test
  void resumeContinuesOnlyTheSameRunAndDropsATornBatch(@TempDir Path dir) throws IOException {
    Path data = prompts(dir, 7);
    Path done = dir.resolve("done.json");
    assertThat(score(data, done, "--batch-size", "2").code()).isZero();
    // an interrupted run of the same work: two whole batches and one line of the third on disk
    Path out = dir.resolve("r.json");
    Path partial = IncrementalResults.partialOf(out);
    JsonObject side = JsonParser.parseString(Files.readString(IncrementalResults.manifestOf(done)))
        .getAsJsonObject();
    List<String> lines = new ArrayList<>();
    lines.add("{\"lager_manifest\":" + side.get("lager_manifest") + "}");
    List<String> samples = Files.readAllLines(done).stream()
        .filter(l -> l.startsWith("{")).map(l -> l.endsWith(",") ? l.substring(0, l.length() - 1) : l)
        .collect(Collectors.toList());
    for (int i = 0; i < 5; i++) {
      lines.add(samples.get(i));
    }
    // as an older lager left it: no line with the device and dtype its backend resolved
    Files.write(partial, lines);
    byte[] older = Files.readAllBytes(partial);
    assertOneLineError(score(data, out, "--batch-size", "2", "--resume"), 1, "lager score: bad"
        + " input: " + partial + " has no line recording the device and dtype of its scores (an"
        + " older lager wrote it), so this run cannot be checked against it; pass --overwrite to"
        + " start over");
    assertThat(Files.readAllBytes(partial)).isEqualTo(older);

    lines.add(1, "{\"lager_resolved\":" + side.get("resolved") + "}");
    Files.write(partial, lines);
    Files.writeString(partial, samples.get(5).substring(0, 30),
        java.nio.file.StandardOpenOption.APPEND);
    byte[] interrupted = Files.readAllBytes(partial);

    assertOneLineError(score(data, out, "--batch-size", "2"), 1, "lager score: bad input: "
        + partial + " exists: an earlier run was interrupted with 5 samples on disk. Pass --resume"
        + " to continue it, or --overwrite to start over");
    var otherModel = lager("score", "--model", fixture("tiny-llama").toString(), "--data",
        data.toString(), "--out", out.toString(), "--batch-size", "2", "--resume", "--quiet");
    assertOneLineError(otherModel, 1, "lager score: bad input: cannot resume " + partial
        + ": model_config_sha256: ");
    assertOneLineError(score(data, out, "--resume"), 1, "batch_size: 2 in the earlier run, 4 in"
        + " this one");
    assertThat(Files.readAllBytes(partial)).isEqualTo(interrupted);

    // without --quiet: the resume says what it keeps, and the progress counts what is on disk
    var resumed = lager("score", "--model", fixture(MODEL).toString(), "--data", data.toString(),
        "--out", out.toString(), "--batch-size", "2", "--resume");
    assertThat(resumed.code()).as(resumed.err()).isZero();
    assertThat(resumed.err()).containsPattern("scoring: 7/7 samples on disk");
    // the torn line is cut off; the rest of a batch only partly on disk is scored again
    assertThat(resumed.err()).containsPattern("resuming " + java.util.regex.Pattern.quote(
        partial.toString()) + ": [0-5] samples on disk, [2-7] to score");
    assertThat(resumed.out()).contains("scored 7 of 7 samples");
    assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(done));
    assertThat(Files.readAllBytes(IncrementalResults.manifestOf(out)))
        .isEqualTo(Files.readAllBytes(IncrementalResults.manifestOf(done)));
  }

  /**
   * A config.json that does not describe its checkpoint (the model_type of another family, fewer
   * layers than the tensors) is refused before anything runs, naming the field, the tensor and
   * both values; no result file appears.
   */
  @Test
  void aConfigThatDoesNotDescribeItsCheckpointIsRefused(@TempDir Path dir) throws IOException {
    Path data = prompts(dir, 2);
    Path model = dir.resolve("model");
    Files.createDirectories(model);
    try (var files = Files.list(fixture(MODEL))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.createSymbolicLink(model.resolve(f.getFileName()), f.toAbsolutePath());
      }
    }
    Path config = model.resolve("config.json");
    String qwen2 = Files.readString(fixture(MODEL).resolve("config.json"));
    Files.delete(config);
    Files.writeString(config, qwen2.replace("\"qwen2\"", "\"llama\""));
    Path out = dir.resolve("r.json");
    var llama = lager("score", "--model", model.toString(), "--data", data.toString(), "--out",
        out.toString(), "--quiet");
    assertOneLineError(llama, 1, "lager score: bad input: " + model + ": the checkpoint has"
        + " model.layers.0.self_attn.k_proj.bias, which config.json (model_type llama,"
        + " attention_bias false) does not expect; is model_type right?");
    assertThat(out).doesNotExist();
    Files.writeString(config, qwen2.replace("\"num_hidden_layers\": 4", "\"num_hidden_layers\": 3")
        .replaceAll("\"layer_types\": \\[[^\\]]*\\],", ""));
    var truncated = lager("score", "--model", model.toString(), "--data", data.toString(), "--out",
        out.toString(), "--quiet");
    assertOneLineError(truncated, 1, "config.json has num_hidden_layers 3, but the checkpoint has"
        + " layer 3");
    assertThat(out).doesNotExist();
    Files.writeString(config, qwen2.replace("\"num_attention_heads\": ", "\"num_attention_heads\": 0,"
        + " \"unused\": "));
    var noHeads = lager("score", "--model", model.toString(), "--data", data.toString(), "--out",
        out.toString(), "--quiet");
    assertOneLineError(noHeads, 1, "field 'num_attention_heads' is 0; it must be a positive"
        + " integer");
    assertThat(out).doesNotExist();
  }

  @Test
  void aSecondRunOnTheSameOutputFailsAtOnceNamingTheFirst(@TempDir Path dir) throws IOException {
    Path data = prompts(dir, 2);
    Path out = dir.resolve("r.json");
    try (OutputLock first = OutputLock.acquire(out, "lager score")) {
      var r = score(data, out, "--overwrite");
      assertOneLineError(r, 1, "lager score: error: " + out + " is being written by another run in"
          + " this process (pid " + ProcessHandle.current().pid() + "); wait for that run to end or"
          + " stop it");
      assertThat(r.err()).doesNotContain("DJL backend");
      assertThat(first.file()).exists();
    }
    assertThat(out).doesNotExist();
    assertThat(IncrementalResults.partialOf(out)).doesNotExist();
  }

  // --- options ------------------------------------------------------------------------------

  @Test
  void enumOptionsIgnoreCaseAndNumbersNameTheirOption(@TempDir Path dir) throws IOException {
    Path data = prompts(dir, 2);
    var cpu = score(data, dir.resolve("a.json"), "--device", "cpu");
    assertThat(cpu.code()).as(cpu.err()).isZero();
    // as README writes it: accepted, and on a machine without a GPU the backend says so
    var gpu = score(data, dir.resolve("g.json"), "--device", "gpu");
    if (gpu.code() != 0) {
      assertOneLineError(gpu, 1, "lager score: error: --device gpu: DJL's PyTorch engine sees no"
          + " GPU");
      assertThat(IncrementalResults.partialOf(dir.resolve("g.json"))).doesNotExist();
    }
    var tpu = score(data, dir.resolve("b.json"), "--device", "tpu");
    assertThat(tpu.code()).isEqualTo(LagerCli.EXIT_USAGE);
    assertThat(tpu.err()).contains("expected one of [AUTO, CPU, GPU] (case-insensitive) but was"
        + " 'tpu'");
    // a value out of range is a usage error, as a value of the wrong type: exit 2 both
    assertOneLineError(score(data, dir.resolve("c.json"), "--batch-size", "0"), 2,
        "lager score: usage: --batch-size must be at least 1, found 0");
    assertOneLineError(score(data, dir.resolve("c.json"), "--batch-size", "abc"), 2,
        "lager score: usage: Invalid value for option '--batch-size': 'abc' is not an int (lager"
            + " score --help lists the options)");
    assertOneLineError(score(data, dir.resolve("c.json"), "--max-new-tokens", "0"), 2,
        "--max-new-tokens must be at least 1, found 0");
    assertThat(dir.resolve("c.json")).doesNotExist();

    Path valid = bundled(dir, BundledSamples.VALID);
    var paper = lager("tune", "--data", valid.toString(), "--out", dir.resolve("w.json").toString(),
        "--variant", "paper");
    assertThat(paper.code()).as(paper.err()).isZero();
  }

  @Test
  void aStackTraceOnlyWithDebug(@TempDir Path dir) {
    Path missing = dir.resolve("nope.json");
    var plain = lager("evaluate", "--data", missing.toString());
    assertOneLineError(plain, 1, "lager evaluate: bad input: results file not found: " + missing);
    assertThat(plain.err().lines()).hasSize(1);
    var debug = lager("evaluate", "--data", missing.toString(), "--debug");
    assertThat(debug.code()).isEqualTo(1);
    assertThat(debug.err()).startsWith("lager evaluate: bad input: results file not found")
        .contains("\tat io.github.lager.eval.ResultsInput.file");
  }

  // --- evaluate and tune ----------------------------------------------------------------------

  static Path bundled(Path dir, String name) throws IOException {
    Path f = dir.resolve(name);
    try (var in = BadInputTest.class.getResourceAsStream(BundledSamples.SAMPLES + name)) {
      Files.write(f, in.readAllBytes());
    }
    return f;
  }

  /** The bundled results with the human score of sample #i replaced. */
  static Path withHuman(Path dir, String name, java.util.function.IntFunction<JsonElement> human)
      throws IOException {
    JsonArray a = JsonParser.parseString(Files.readString(bundled(dir, BundledSamples.DATA)))
        .getAsJsonArray();
    for (int i = 0; i < a.size(); i++) {
      JsonElement h = human.apply(i);
      if (h != null) {
        a.get(i).getAsJsonObject().add("human_score", h);
      }
    }
    return Files.writeString(dir.resolve(name), a.toString());
  }

  @Test
  void humanScoresOutsideTheScaleAreErrorsUnlessDeclared(@TempDir Path dir) throws IOException {
    Path f = withHuman(dir, "h42.json", i -> i == 4 ? new com.google.gson.JsonPrimitive(42) : null);
    assertOneLineError(lager("evaluate", "--data", f.toString()), 1, "lager evaluate: bad input: "
        + f + ": sample #4 (idx 4): human_score 42, outside the judge's scale 1-5; pass"
        + " --human-range MIN:MAX if the human scores use another scale, or score with the judge's"
        + " labels (--labels 0,1,2 for pairwise labels 0-2)");
    Path pairs = withHuman(dir, "pairs.json", i -> new com.google.gson.JsonPrimitive(i % 3));
    assertOneLineError(lager("evaluate", "--data", pairs.toString()), 1,
        pairs + ": sample #0 (idx 0): human_score 0, outside the judge's scale 1-5");
    var declared = lager("evaluate", "--data", pairs.toString(), "--human-range", "0:2");
    assertThat(declared.code()).as(declared.err()).isZero();
    assertThat(declared.out()).contains("| e_score ");
    assertOneLineError(lager("evaluate", "--data", pairs.toString(), "--human-range", "2"), 2,
        "--human-range expects MIN:MAX with numbers MIN <= MAX (e.g. 1:5 or 0:2), found '2'");
  }

  @Test
  void reportsAreStrictJsonWithNullForUndefinedCorrelations(@TempDir Path dir) throws IOException {
    Path constant = withHuman(dir, "const.json", i -> new com.google.gson.JsonPrimitive(3));
    Path json = dir.resolve("report.json");
    var r = lager("evaluate", "--data", constant.toString(), "--json", json.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("|     nan |").contains(ReportTable.NOTE);
    String text = Files.readString(json);
    assertThat(text).doesNotContain("NaN");
    JsonReader strict = new JsonReader(new StringReader(text));
    strict.setStrictness(Strictness.STRICT);
    JsonObject report = JsonParser.parseReader(strict).getAsJsonObject();
    assertThat(report.getAsJsonObject("rows").getAsJsonObject("e_score").get("spearman").isJsonNull())
        .isTrue();
  }

  @Test
  void unusableSamplesAreLeftOutListedAndGiveExitStatus3(@TempDir Path dir) throws IOException {
    JsonArray a = JsonParser.parseString(Files.readString(bundled(dir, BundledSamples.DATA)))
        .getAsJsonArray();
    a.get(2).getAsJsonObject().remove("weighted_socre");
    Path f = Files.writeString(dir.resolve("bad.json"), a.toString());
    var r = lager("evaluate", "--data", f.toString());
    assertThat(r.code()).as(r.err()).isEqualTo(LagerCli.EXIT_SKIPPED);
    assertThat(r.err()).contains("skipped " + f + ": sample #2 (idx 2): field 'weighted_socre' is"
        + " missing");
    assertThat(r.out()).contains("skipped 1 unusable sample (listed above); exit status 3"
        + " (--skip-bad: 0)").contains("23 unique samples");
    assertThat(lager("evaluate", "--data", f.toString(), "--skip-bad").code()).isZero();
    var tune = lager("tune", "--data", f.toString(), "--out", dir.resolve("w.json").toString());
    assertThat(tune.code()).as(tune.err()).isEqualTo(LagerCli.EXIT_SKIPPED);
  }

  @Test
  void evaluateAndTuneOutputsAreCheckedFirst(@TempDir Path dir) throws IOException {
    Path data = bundled(dir, BundledSamples.DATA);
    byte[] before = Files.readAllBytes(data);
    assertOneLineError(lager("evaluate", "--data", data.toString(), "--json", data.toString()), 1,
        "lager evaluate: bad input: --json " + data + " is the same file as --data " + data);
    assertOneLineError(lager("tune", "--data", data.toString(), "--out", data.toString()), 1,
        "lager tune: bad input: --out " + data + " is the same file as --data " + data);
    assertThat(Files.readAllBytes(data)).isEqualTo(before);
    assertOneLineError(lager("evaluate", "--data", data.toString(), "--json", dir.toString()), 1,
        "--json " + dir + " is a directory; give a file path");
    assertOneLineError(lager("evaluate", "--data", data.toString(), "--plots", data.toString()), 1,
        "--plots " + data + " is a file; give a directory");
    assertOneLineError(lager("evaluate", "--data", data.toString(), "--json",
        data.resolve("r.json").toString()), 1, "--json " + data.resolve("r.json")
        + " cannot be written: " + data + " is a file, not a directory; check the path");
    assertOneLineError(lager("evaluate", "--data", dir.toString()), 1,
        "lager evaluate: error: cannot read " + dir + ": it is a directory; give a file");
  }

  @Test
  void aDeviceIsNotAnOutputAndAFullDiskLeavesTheOldFileWhole(@TempDir Path dir)
      throws IOException {
    Path full = Path.of("/dev/full");
    assumeTrue(Files.exists(full), "/dev/full (a device that is always full) is absent");
    Path data = bundled(dir, BundledSamples.DATA);
    byte[] before = Files.readAllBytes(data);
    // a device is refused before any work: the write would not be atomic (nor a file)
    assertOneLineError(lager("evaluate", "--data", data.toString(), "--json", full.toString(),
        "--overwrite"), 1, "lager evaluate: bad input: --json /dev/full exists and is not a regular"
        + " file (a device, a pipe or a dangling link); give the path of a file");
    assertThat(Files.readAllBytes(data)).isEqualTo(before);
    // the full disk itself, during the write, is OutputFileTest's (lager-core): the old file
    // stays whole and the message is "cannot write FILE: the disk is full; free space, then rerun"
  }

  // --- every writing command: one output discipline (OutputFile) -------------------------------

  /** The 24 judged inputs of the bundled results, one line each (idx by position). */
  static Path judgedInputs(Path dir) throws IOException {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 24; i++) {
      lines.append("{\"user_prompt\": \"prompt ").append(i).append("\", \"score\": 3}\n");
    }
    return Files.writeString(dir.resolve("in.jsonl"), lines.toString());
  }

  @Test
  void noCommandWritesOverOneOfItsInputs(@TempDir Path dir) throws IOException {
    Path data = bundled(dir, BundledSamples.DATA);
    Path valid = bundled(dir, BundledSamples.VALID);
    Path in = judgedInputs(dir);
    Path cal = dir.resolve("cal.json");
    assertThat(lager("calibrate", "--method", "linear", "--data", valid.toString(), "--out",
        cal.toString()).code()).isZero();
    // a hard link is the same file under another name
    Path link = dir.resolve("link.jsonl");
    Files.createLink(link, in);
    Map<Path, byte[]> before = snapshot(data, valid, in, cal);

    assertOneLineError(lager("select", "--data", data.toString(), "--top-n", "3", "--inputs",
        in.toString(), "--out", in.toString(), "--overwrite"), 1, "lager select: bad input: --out "
        + in + " is the same file as --inputs " + in + ": lager never writes over an input;"
        + " choose another --out");
    assertOneLineError(lager("select", "--data", data.toString(), "--top-n", "3", "--inputs",
        in.toString(), "--out", link.toString(), "--overwrite"), 1, "--out " + link + " is the"
        + " same file as --inputs " + in);
    assertOneLineError(lager("select", "--data", data.toString(), "--top-n", "3", "--json",
        data.toString(), "--overwrite"), 1, "--json " + data + " is the same file as --data " + data);
    assertOneLineError(lager("calibrate", "--method", "linear", "--data", valid.toString(),
        "--out", valid.toString(), "--overwrite"), 1, "lager calibrate: bad input: --out " + valid
        + " is the same file as --data " + valid);
    assertOneLineError(lager("evaluate", "--data", data.toString(), "--calibration",
        cal.toString(), "--json", cal.toString(), "--overwrite"), 1, "lager evaluate: bad input:"
        + " --json " + cal + " is the same file as --calibration " + cal);
    assertOneLineError(lager("evaluate", "--data", data.toString(), "--valid", valid.toString(),
        "--save-weights", valid.toString(), "--overwrite"), 1, "--save-weights " + valid
        + " is the same file as --valid " + valid);
    assertOneLineError(lager("tune", "--data", valid.toString(), "--out", valid.toString(),
        "--overwrite"), 1, "lager tune: bad input: --out " + valid + " is the same file as --data "
        + valid);
    assertOneLineError(lager("evaluate", "--data", data.toString(), "--valid", valid.toString(),
        "--json", dir.resolve("r.json").toString(), "--save-weights",
        dir.resolve("./r.json").toString()), 1, "--save-weights " + dir.resolve("./r.json")
        + " is the same file as --json " + dir.resolve("r.json") + ": one would overwrite the"
        + " other");
    assertUnchanged(before);
    assertThat(dir.resolve("r.json")).doesNotExist();
  }

  @Test
  void everyWritingCommandRefusesAnExistingOutputUnlessOverwrite(@TempDir Path dir)
      throws IOException {
    Path data = bundled(dir, BundledSamples.DATA);
    Path valid = bundled(dir, BundledSamples.VALID);
    Path in = judgedInputs(dir);
    Path old = Files.writeString(dir.resolve("old.json"), "an earlier result");
    Path plots = Files.createDirectories(dir.resolve("plots"));
    Path chart = Files.writeString(plots.resolve(ReportCharts.CALIBRATION), "an earlier chart");
    Map<Path, byte[]> before = snapshot(data, valid, in, old, chart);
    String exists = " exists; pass --overwrite to replace it, or choose another ";
    assertOneLineError(lager("tune", "--data", valid.toString(), "--out", old.toString()), 1,
        "lager tune: bad input: --out " + old + exists + "--out");
    assertOneLineError(lager("calibrate", "--method", "linear", "--data", valid.toString(),
        "--out", old.toString()), 1, "lager calibrate: bad input: --out " + old + exists + "--out");
    assertOneLineError(lager("calibrate", "--method", "linear", "--data", valid.toString(),
        "--out", dir.resolve("new.json").toString(), "--plots", plots.toString()), 1,
        "lager calibrate: bad input: --plots (" + ReportCharts.CALIBRATION + ") " + chart + exists
            + "--plots");
    assertOneLineError(lager("evaluate", "--data", data.toString(), "--json", old.toString()), 1,
        "lager evaluate: bad input: --json " + old + exists + "--json");
    assertOneLineError(lager("evaluate", "--data", data.toString(), "--valid", valid.toString(),
        "--save-weights", old.toString()), 1, "--save-weights " + old + exists + "--save-weights");
    assertOneLineError(lager("select", "--data", data.toString(), "--top-n", "3", "--inputs",
        in.toString(), "--out", old.toString()), 1, "lager select: bad input: --out " + old
        + exists + "--out");
    assertOneLineError(lager("select", "--data", data.toString(), "--top-n", "3", "--json",
        old.toString()), 1, "--json " + old + exists + "--json");
    assertUnchanged(before);
    assertThat(dir.resolve("new.json")).doesNotExist();

    var replaced = lager("select", "--data", data.toString(), "--top-n", "3", "--inputs",
        in.toString(), "--out", old.toString(), "--overwrite");
    assertThat(replaced.code()).as(replaced.err()).isZero();
    assertThat(Files.readAllLines(old)).hasSize(3);
    var tuned = lager("tune", "--data", valid.toString(), "--out", old.toString(), "--overwrite");
    assertThat(tuned.code()).as(tuned.err()).isZero();
    assertThat(Files.readString(old)).contains("lager-layer-weights");
    try (var files = Files.list(dir)) { // no temporary file is left beside an output
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".lager"));
    }
  }

  static Map<Path, byte[]> snapshot(Path... files) throws IOException {
    Map<Path, byte[]> m = new java.util.LinkedHashMap<>();
    for (Path f : files) {
      m.put(f, Files.readAllBytes(f));
    }
    return m;
  }

  static void assertUnchanged(Map<Path, byte[]> before) throws IOException {
    for (Map.Entry<Path, byte[]> e : before.entrySet()) {
      assertThat(Files.readAllBytes(e.getKey())).as(e.getKey().toString()).isEqualTo(e.getValue());
    }
  }

  // --- human scores: one reader, one rule in evaluate, tune, select and calibrate -------------

  @Test
  void everyCommandReadsHumanScoresByTheSameRule(@TempDir Path dir) throws IOException {
    Path seven = withHuman(dir, "h7.json", i -> i == 3 ? new com.google.gson.JsonPrimitive(7) : null);
    Path out = dir.resolve("out.json");
    String outside = "h7.json: sample #3 (idx 3): human_score 7, outside the judge's scale 1-5";
    byte[] before = Files.readAllBytes(seven);
    assertOneLineError(lager("evaluate", "--data", seven.toString()), 1, outside);
    assertOneLineError(lager("tune", "--data", seven.toString(), "--out", out.toString()), 1,
        outside);
    assertOneLineError(lager("select", "--data", seven.toString(), "--top-n", "3"), 1, outside);
    assertOneLineError(lager("calibrate", "--method", "linear", "--data", seven.toString(),
        "--out", out.toString()), 1, outside);
    assertThat(out).doesNotExist();
    assertThat(Files.readAllBytes(seven)).isEqualTo(before);
    var declared = lager("select", "--data", seven.toString(), "--top-n", "3", "--human-range",
        "1:10");
    assertThat(declared.code()).as(declared.err()).isZero();

    // NaN: the sample is left out and listed by every command, which exits 3 (0 with --skip-bad)
    String nan = Files.readString(bundled(dir, BundledSamples.DATA))
        .replaceFirst("\"human_score\": [^,\\]]+", "\"human_score\": NaN");
    Path nanFile = Files.writeString(dir.resolve("nan.json"), nan);
    assertThat(nan).contains("NaN");
    for (String[] args : List.of(new String[] {"evaluate", "--data", nanFile.toString()},
        new String[] {"select", "--data", nanFile.toString(), "--top-n", "3"},
        new String[] {"calibrate", "--method", "linear", "--data", nanFile.toString(), "--out",
            dir.resolve("c.json").toString()},
        new String[] {"tune", "--data", nanFile.toString(), "--out",
            dir.resolve("w.json").toString()})) {
      var r = lager(args);
      assertThat(r.code()).as(args[0] + ": " + r.err()).isEqualTo(LagerCli.EXIT_SKIPPED);
      assertThat(r.err()).as(args[0]).contains("skipped " + nanFile + ": sample #0 (idx 0):")
          .contains("NaN is not finite");
      assertThat(r.out()).as(args[0]).contains("skipped 1 unusable sample (listed above); exit"
          + " status 3 (--skip-bad: 0)");
    }
  }

  @Test
  void aBootstrapTooSmallForItsIntervalIsRefusedSayingHowManyAreNeeded(@TempDir Path dir)
      throws IOException {
    Path data = bundled(dir, BundledSamples.DATA);
    var one = lager("evaluate", "--data", data.toString(), "--bootstrap", "1");
    assertOneLineError(one, 2, "lager evaluate: usage: --bootstrap 1 is too few resamples for a"
        + " 95% percentile interval: it needs at least 41 (2000 is usual)");
    assertThat(one.out()).as("refused before the report prints").isEmpty();
    assertOneLineError(lager("evaluate", "--data", data.toString(), "--bootstrap", "100",
        "--confidence", "0.99"), 2, "--bootstrap 100 is too few resamples for a 99% percentile"
        + " interval: it needs at least 201");
    assertOneLineError(lager("evaluate", "--data", data.toString(), "--bootstrap", "100",
        "--confidence", "1.5"), 2, "--confidence must be in (0, 1), found 1.5");
  }

  // --- one exit-code rule: options are checked before any work, and exit 2 ---------------------

  @Test
  void everyBadOptionValueIsAUsageErrorFoundBeforeAnyReportPrints(@TempDir Path dir)
      throws IOException {
    Path data = bundled(dir, BundledSamples.DATA);
    Path valid = bundled(dir, BundledSamples.VALID);
    String[][] cases = {
        {"--cv 1", "lager evaluate: usage: --cv must be at least 2, found 1", "evaluate", "--data",
            data.toString(), "--calibrate", "linear", "--cv", "1"},
        {"--cv 99", "lager evaluate: usage: --cv 99 is more folds than the 23 samples; give at"
            + " most 23", "evaluate", "--data", data.toString(), "--calibrate", "linear", "--cv",
            "99"},
        {"--threshold-f1", "lager evaluate: usage: --threshold-f1 must be in [0, 1], found 1.5",
            "evaluate", "--data", data.toString(), "--threshold-f1", "1.5", "--label-field", "x"},
        {"--calibrate", "lager evaluate: usage: --calibrate: unknown calibration method 'cubic';"
            + " expected linear or isotonic", "evaluate", "--data", data.toString(), "--calibrate",
            "cubic"},
        {"--group-regex", "lager evaluate: usage: --group-regex: Unclosed group", "evaluate",
            "--data", data.toString(), "--group-regex", "(a"},
        {"--compare", "lager evaluate: usage: --compare needs --bootstrap N", "evaluate", "--data",
            data.toString(), "--compare", "lager_wo,e_score"},
        {"--epochs", "lager tune: usage: --epochs must be at least 1, found 0", "tune", "--data",
            valid.toString(), "--out", dir.resolve("w.json").toString(), "--epochs", "0"},
        {"--lr", "lager tune: usage: --lr must be a positive number, found -1.0", "tune", "--data",
            valid.toString(), "--out", dir.resolve("w.json").toString(), "--lr", "-1"},
        {"--alpha", "lager tune: usage: --alpha must be in [0, 1], found 2.0", "tune", "--data",
            valid.toString(), "--out", dir.resolve("w.json").toString(), "--variant", "paper",
            "--alpha", "2"},
        {"--top-frac", "lager select: usage: --top-frac must be in (0, 1], found 1.5", "select",
            "--data", data.toString(), "--top-frac", "1.5"},
        {"--top-n", "lager select: usage: --top-n must be at least 1, found 0", "select", "--data",
            data.toString(), "--top-n", "0"},
        {"--score", "lager select: usage: --score lager_w needs --weights", "select", "--data",
            data.toString(), "--top-n", "3", "--score", "lager_w"},
        {"--method", "lager calibrate: usage: --method: unknown calibration method 'cubic'",
            "calibrate", "--method", "cubic", "--data", valid.toString(), "--out",
            dir.resolve("c.json").toString()},
        {"--limit", "lager render: usage: --limit must be at least 1, found 0", "render",
            "--model", ScoreCommandTest.fixture(MODEL).toString(), "--data", data.toString(),
            "--limit", "0"},
        {"type", "lager evaluate: usage: Invalid value for option '--bootstrap': 'many' is not an"
            + " int", "evaluate", "--bootstrap", "many"},
        {"unknown", "lager tune: usage: Unknown options: '--epoch', '2'", "tune", "--data",
            valid.toString(), "--out", dir.resolve("w.json").toString(), "--epoch", "2"},
    };
    for (String[] c : cases) {
      var r = lager(java.util.Arrays.copyOfRange(c, 2, c.length));
      assertOneLineError(r, LagerCli.EXIT_USAGE, c[1]);
      assertThat(r.err().lines()).as(c[0]).hasSize(1);
      // no report, no table prints before the refusal (at most the line naming the data)
      assertThat(r.out()).as(c[0]).doesNotContain("+---").doesNotContain("wrote");
    }
    assertThat(dir.resolve("w.json")).doesNotExist();
    assertThat(dir.resolve("c.json")).doesNotExist();
  }

  @Test
  void aGroupByFieldTheSamplesLackIsFoundBeforeTheReportPrints(@TempDir Path dir)
      throws IOException {
    Path data = bundled(dir, BundledSamples.DATA);
    var r = lager("evaluate", "--data", data.toString(), "--group-by", "topic");
    assertOneLineError(r, 1, "lager evaluate: bad input: " + data + ": sample #0 (idx 0): field"
        + " 'topic' is missing");
    assertThat(r.out()).doesNotContain("+---");
  }

  // --- judge: resumes like score ------------------------------------------------------------

  @Test
  void judgeWithOutRefusesAnExistingOutputAndResumesLikeScore(@TempDir Path dir)
      throws IOException {
    Path data = prompts(dir, 3);
    Path out = dir.resolve("j.json");
    String model = fixture(MODEL).toString();
    var first = lager("judge", "--model", model, "--data", data.toString(), "--out",
        out.toString(), "--quiet");
    assertThat(first.code()).as(first.err()).isZero();
    byte[] results = Files.readAllBytes(out);
    assertOneLineError(lager("judge", "--model", model, "--data", data.toString(), "--out",
        out.toString(), "--quiet"), 1, "lager judge: bad input: " + out + " exists. Pass"
        + " --overwrite to replace it, or --resume to check that it is complete");
    var again = lager("judge", "--model", model, "--data", data.toString(), "--out",
        out.toString(), "--quiet", "--resume");
    assertThat(again.code()).as(again.err()).isZero();
    assertThat(again.out()).contains(out + " is already complete (3 samples, same model, data"
        + " and options): nothing to do");
    assertThat(Files.readAllBytes(out)).isEqualTo(results);
    assertOneLineError(lager("judge", "--model", model, "--data", data.toString(), "--resume"), 2,
        "lager judge: usage: --resume continues an interrupted run of --out: give --out"
            + " RESULTS.json");
    var both = lager("judge", "--model", model, "--data", data.toString(), "--out",
        out.toString(), "--resume", "--overwrite");
    assertOneLineError(both, 2, "--resume and --overwrite are mutually exclusive");
  }

  // --- one rule for "every sample dropped" and "every sample invalid" -------------------------

  @Test
  void aRunThatGivesNoScoreIsAnErrorWhetherEverySampleIsDroppedOrInvalid(@TempDir Path dir)
      throws IOException {
    Path data = prompts(dir, 3);
    Path dropped = dir.resolve("dropped.json");
    var tooLong = score(data, dropped, "--max-length", "5");
    assertOneLineError(tooLong, 1, "lager score: bad input: none of the 3 samples got a score: 3"
        + " too long (dropped); first: idx 0: ");
    assertThat(dropped).doesNotExist();
    assertThat(IncrementalResults.partialOf(dropped)).doesNotExist();
    // an anchor the judge never writes: every sample is without a score token
    Path invalid = dir.resolve("invalid.json");
    var noToken = score(data, invalid, "--anchor", "NEVER WRITTEN");
    assertOneLineError(noToken, 1, "lager score: bad input: none of the 3 samples got a score: 3"
        + " without a score token in the judge's output");
    assertThat(noToken.err()).contains("(written as invalid to " + invalid + ")");
    assertThat(ResultsJson.read(invalid)).hasSize(3).noneMatch(ScoredSample::isValid);
    // judge: the same rule, with or without --out
    var judge = lager("judge", "--model", fixture(MODEL).toString(), "--data", data.toString(),
        "--max-length", "5", "--quiet");
    assertOneLineError(judge, 1, "lager judge: bad input: none of the 3 samples got a score: 3"
        + " too long (dropped)");
  }

  // --- the manifest: resolved device and dtype, options compared as the option is ------------

  @Test
  void theManifestRecordsTheResolvedDeviceAndDtypeAndComparesTheDtypeInAnyCase(@TempDir Path dir)
      throws IOException {
    Path data = prompts(dir, 2);
    Path out = dir.resolve("r.json");
    var first = score(data, out, "--dtype", "float32");
    assertThat(first.code()).as(first.err()).isZero();
    JsonObject side = JsonParser.parseString(Files.readString(IncrementalResults.manifestOf(out)))
        .getAsJsonObject();
    assertThat(side.getAsJsonObject("resolved").get("dtype").getAsString()).isEqualTo("float32");
    assertThat(side.getAsJsonObject("resolved").get("device").getAsString()).startsWith("cpu");
    assertThat(side.getAsJsonObject("lager_manifest").get("dtype").getAsString())
        .isEqualTo("float32");
    var upper = score(data, out, "--dtype", "FLOAT32", "--resume");
    assertThat(upper.code()).as(upper.err()).isZero();
    assertThat(upper.out()).contains("is already complete");
  }

  @Test
  void quietPrintsTheSummaryAndNothingElse(@TempDir Path dir) throws IOException {
    Path data = prompts(dir, 2);
    var r = score(data, dir.resolve("r.json"));
    assertThat(r.code()).as(r.err()).isZero();
    // in this JVM the libraries' loggers may be set up already; the CLI's own lines are checked
    assertThat(r.err()).doesNotContain("judge: ").doesNotContain("scoring: ")
        .doesNotContain("resuming");
    assertThat(r.out()).contains("scored 2 of 2 samples").contains("wrote " + dir.resolve("r.json"));
  }

  @Test
  void aCalibrationOnOtherLabelsIsRefusedBeforeTheModelLoads(@TempDir Path dir)
      throws IOException {
    Path cal = dir.resolve("cal.json");
    assertThat(lager("calibrate", "--method", "linear", "--data",
        bundled(dir, BundledSamples.VALID).toString(), "--out", cal.toString()).code())
        .isZero();
    Path out = dir.resolve("r.json");
    var r = lager("score", "--model", fixture(MODEL).toString(), "--data",
        prompts(dir, 2).toString(), "--out", out.toString(), "--points", "4", "--calibration",
        cal.toString());
    assertOneLineError(r, 1, "lager score: bad input: " + cal + " was fitted on the labels 1-5 but"
        + " the samples are on 1-4");
    assertThat(r.err()).doesNotContain("judge: "); // the model never loaded
    assertThat(out).doesNotExist();
    assertThat(IncrementalResults.partialOf(out)).doesNotExist();
  }
}
