package io.github.lager.cli;

import static io.github.lager.cli.BadInputTest.assertOneLineError;
import static io.github.lager.cli.EvaluateCommandTest.lager;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.lager.core.io.ResultsJson;
import io.github.lager.core.io.ScoredSample;
import io.github.lager.core.math.LabelSetSyntax;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Any judge format end to end on the tiny-qwen2 fixture: label sets, prompt templates and
 * `lager render`, the score anchor in the manifest, pairwise judging with position swap and its
 * evaluation, and the errors of each. (The numbers of a random-weight judge are meaningless; the
 * code paths and the metrics, checked against numpy in PairwiseGoldenTest, are what is tested.)
 */
class JudgeFormatsTest {
  static final String MODEL = ScoreCommandTest.fixture("tiny-qwen2").toString();

  static Path examples(String file) {
    return Path.of(System.getProperty("lager.project.root", ".."),
        "examples/src/main/resources/io/github/lager/examples", file);
  }

  static JsonObject json(Path file) throws IOException {
    return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
  }

  @Test
  void renderedPairwisePromptsOnTheLabels012GiveThePairwiseTable(@TempDir Path dir)
      throws IOException {
    String shared = System.getProperty("lager.shared.data");
    Path mtBench = shared == null ? null : Path.of(shared, "mt_bench_digit.jsonl");
    assumeTrue(mtBench != null && Files.exists(mtBench),
        "../shared/data/mt_bench_digit.jsonl is absent (it is not part of the repository)");
    // the first 40 prompts, as they are (rendered, answered 0/1/2, human labels as lists)
    Path data = dir.resolve("mt40.jsonl");
    Files.write(data, Files.readAllLines(mtBench).subList(0, 40));
    Path out = dir.resolve("mt.json");
    var score = lager("score", "--model", MODEL, "--labels", "0,1,2", "--data", data.toString(),
        "--out", out.toString(), "--batch-size", "8");
    assertThat(score.code()).as(score.err()).isZero();
    assertThat(score.err()).contains("labels 0,1,2, rendered prompts");
    List<ScoredSample> results = ResultsJson.read(out);
    assertThat(results).allSatisfy(s -> assertThat(s.labelSet()).contains(
        LabelSetSyntax.parse("0,1,2", null)));
    JsonObject manifest = json(dir.resolve("mt.json.manifest.json")).getAsJsonObject(
        "lager_manifest");
    assertThat(manifest.get("labels").getAsString()).isEqualTo("[\"0\",\"1\",\"2\"]");
    assertThat(manifest.get("template").getAsString()).isEqualTo("none");
    assertThat(manifest.get("pairwise").getAsString()).isEqualTo("false");

    Path report = dir.resolve("report.json");
    var eval = lager("evaluate", "--data", out.toString(), "--json", report.toString());
    assertThat(eval.code()).as(eval.err()).isZero();
    assertThat(eval.out()).contains("pairwise judgments on the labels 0,1,2 (0 = A better,"
        + " 1 = tie, 2 = B better), one order")
        .contains("| score_type   | n ").contains("cohen_kappa").contains("human ceiling:");
    JsonObject r = json(report);
    assertThat(r.get("judgment").getAsString()).isEqualTo("pairwise");
    assertThat(r.get("swapped").getAsBoolean()).isFalse();
    assertThat(r.getAsJsonObject("rows").keySet()).containsExactly("direct_score", "e_score",
        "lager_wo");
    JsonObject lagerWo = r.getAsJsonObject("rows").getAsJsonObject("lager_wo");
    assertThat(lagerWo.keySet()).contains("accuracy", "cohen_kappa", "predicted")
        .doesNotContain("swap_consistency");
    assertThat(r.getAsJsonObject("human_majority").keySet())
        .containsExactly("A", "tie", "B", "none");
    assertThat(r.getAsJsonObject("human_ceiling").get("comparisons").getAsInt()).isPositive();

    // the same results read as a 0-2 scale: the correlation table
    var absolute = lager("evaluate", "--data", out.toString(), "--judgment", "absolute");
    assertThat(absolute.code()).as(absolute.err()).isZero();
    assertThat(absolute.out()).contains("labels 0,1,2").contains("| pearson ");
    // statistics of absolute scores are refused for pairwise judgments
    assertOneLineError(lager("evaluate", "--data", out.toString(), "--bootstrap", "100"), 1,
        "--bootstrap is for absolute judgments (correlations with human scores); these results"
            + " are pairwise");
  }

  @Test
  void pairwiseJudgingRendersBothOrdersAndReportsSwapConsistency(@TempDir Path dir)
      throws IOException {
    Path data = examples("pairwise-items.jsonl");
    var render = lager("render", "--model", MODEL, "--template", "pairwise", "--labels", "A,B,C",
        "--values", "0,2,1", "--pairwise", "--data", data.toString(), "--limit", "2");
    assertThat(render.code()).as(render.err()).isZero();
    assertThat(render.out()).contains("labels A=0, B=2, C=1, template pairwise")
        .contains("=== idx 0, order (A, B): ").contains("=== idx 0, order (B, A), swapped: ")
        .contains("=== idx 1, order (B, A), swapped: ").doesNotContain("=== idx 2")
        .contains("<|im_start|>user\nPlease act as an impartial judge")
        .contains("- C if the two answers are equally good or equally bad (a tie)");
    String out = render.out();
    String ab = out.substring(out.indexOf("=== idx 0, order (A, B)"),
        out.indexOf("=== idx 0, order (B, A)"));
    String ba = out.substring(out.indexOf("=== idx 0, order (B, A)"),
        out.indexOf("=== idx 1, order (A, B)"));
    assertThat(ab).contains("### Assistant A's Answer:\n11 is prime");
    assertThat(ba).contains("### Assistant A's Answer:\n12 is a prime number.");

    Path results = dir.resolve("pw.json");
    var score = lager("score", "--model", MODEL, "--template", "pairwise", "--pairwise",
        "--data", data.toString(), "--out", results.toString());
    assertThat(score.code()).as(score.err()).isZero();
    assertThat(score.err()).contains("labels 0,1,2 (the template's), template pairwise,"
        + " pairwise: both orders");
    JsonArray written = JsonParser.parseString(Files.readString(results)).getAsJsonArray();
    assertThat(written).hasSize(8);
    JsonObject first = written.get(0).getAsJsonObject();
    assertThat(first.getAsJsonObject("swapped").get("prompt").getAsString())
        .contains("### Assistant B's Answer:\n11 is prime");
    JsonObject p = first.getAsJsonObject("pairwise").getAsJsonObject("e_score");
    assertThat(p.keySet()).containsExactly("ab", "ba", "mean", "outcome", "swap_consistent");
    double mean = p.getAsJsonObject("mean").get("score").getAsDouble();
    assertThat(mean).isEqualTo((p.getAsJsonObject("ab").get("score").getAsDouble()
        + p.getAsJsonObject("ba").get("score").getAsDouble()) / 2);
    JsonObject manifest = json(dir.resolve("pw.json.manifest.json")).getAsJsonObject(
        "lager_manifest");
    assertThat(manifest.get("template").getAsString()).isEqualTo("pairwise");
    assertThat(manifest.get("template_sha256").getAsString()).hasSize(64);
    assertThat(manifest.get("pairwise").getAsString()).isEqualTo("true");

    Path report = dir.resolve("r.json");
    var eval = lager("evaluate", "--data", results.toString(), "--json", report.toString());
    assertThat(eval.code()).as(eval.err()).isZero();
    assertThat(eval.out()).contains("each judged in both orders (A, B) and (B, A), averaged")
        .contains("swap_consistency");
    JsonObject r = json(report);
    assertThat(r.get("swapped").getAsBoolean()).isTrue();
    assertThat(r.getAsJsonObject("rows").getAsJsonObject("e_score").has("swap_consistency"))
        .isTrue();
    assertThat(r.get("n").getAsInt() + r.get("skipped_invalid").getAsInt()).isEqualTo(8);
  }

  @Test
  void theAnchorAndTheLabelsAreInTheManifest(@TempDir Path dir) throws IOException {
    Path data = examples("emotion-items.jsonl");
    Path out = dir.resolve("emo.json");
    var score = lager("score", "--model", MODEL, "--template", "emotion", "--reasoning",
        "--max-new-tokens", "6", "--anchor", "Score:", "--data", data.toString(), "--out",
        out.toString());
    // a random judge writes no "Score:": every sample is invalid, none is given a score, and a
    // run with no score is an error (exit 1); the invalid results are written all the same
    assertThat(score.code()).as(score.err()).isEqualTo(LagerCli.EXIT_ERROR);
    assertThat(score.err()).contains("none of the 12 samples got a score: 12 without a score"
        + " token in the judge's output (written as invalid to " + out + ")");
    assertThat(score.err()).contains("labels 1-9 (the template's), template emotion, score after"
        + " \"Score:\"");
    JsonObject manifest = json(dir.resolve("emo.json.manifest.json")).getAsJsonObject(
        "lager_manifest");
    assertThat(manifest.get("anchor").getAsString()).isEqualTo("\"Score:\"");
    assertThat(manifest.get("label_values").getAsString())
        .isEqualTo("[1.0,2.0,3.0,4.0,5.0,6.0,7.0,8.0,9.0]");
    // another anchor is another run
    var again = lager("score", "--model", MODEL, "--template", "emotion", "--reasoning",
        "--max-new-tokens", "6", "--anchor", "Rating:", "--data", data.toString(), "--out",
        out.toString(), "--resume", "--quiet");
    assertThat(again.err()).contains("anchor: \"Score:\" in the earlier run, \"Rating:\" in this"
        + " one");
    // without an anchor, a built-in template's reasoning variant gets a note on it
    var note = lager("score", "--model", MODEL, "--template", "emotion", "--reasoning",
        "--max-new-tokens", "2", "--data", data.toString(), "--out",
        dir.resolve("n.json").toString());
    assertThat(note.err()).contains("note: the emotion template asks the judge to write"
        + " \"Score:\" before its score; --anchor \"Score:\" reads the score there");
  }

  @Test
  void labelSetAndTemplateErrorsAreNamed(@TempDir Path dir) throws IOException {
    Path pairs = examples("pairwise-items.jsonl");
    Path out = dir.resolve("x.json");
    assertOneLineError(lager("score", "--model", MODEL, "--labels", "A,B,C", "--data",
        pairs.toString(), "--out", out.toString()), 2, "lager score: usage: --labels: label"
        + " \"A\" is not a number, so it has no value of its own; give one value per label with"
        + " --values (e.g. --labels A,B,C --values 1,2,3)");
    assertOneLineError(lager("render", "--model", MODEL, "--labels", "A,XY,C", "--values",
        "0,2,1", "--template", "pairwise", "--data", pairs.toString()), 1, "the label \"XY\" is"
        + " not one token of the vocabulary");
    assertOneLineError(lager("render", "--model", MODEL, "--labels", "A,B,C", "--values",
        "1,2,3", "--template", "pairwise", "--data", pairs.toString()), 2, "the pairwise template"
        + " needs a pairwise label set: three labels with the values 0 (A better), 1 (tie) and 2"
        + " (B better), e.g. --labels 0,1,2 or --labels A,B,C --values 0,2,1; got A=1, B=2, C=3");
    assertOneLineError(lager("render", "--model", MODEL, "--points", "5", "--labels", "1-5",
        "--data", pairs.toString()), 2, "--labels and --points both give the label set");
    assertOneLineError(lager("render", "--model", MODEL, "--values", "1,2", "--data",
        pairs.toString()), 2, "--values gives the values of --labels, which is missing");
    assertOneLineError(lager("score", "--model", MODEL, "--pairwise", "--labels", "0,1,2",
        "--data", pairs.toString(), "--out", out.toString()), 2, "pairwise judging (--pairwise)"
        + " renders every sample in both orders from its fields: it needs a prompt template");
    assertOneLineError(lager("score", "--model", MODEL, "--pairwise", "--template", "pairwise",
        "--labels", "1-3", "--data", pairs.toString(), "--out", out.toString()), 2,
        "pairwise judging (--pairwise) needs a pairwise label set");
    assertOneLineError(lager("render", "--model", MODEL, "--template", "nosuch.jinja",
        "--data", pairs.toString()), 1, "--template nosuch.jinja: neither a built-in template"
        + " (absolute, pairwise, emotion, answerability) nor a file");
    // lines without user_prompt need a template
    assertOneLineError(lager("render", "--model", MODEL, "--data", pairs.toString()), 1,
        pairs + ": no usable sample; first problem: " + pairs + ":1: field 'user_prompt' is"
            + " missing; a line holds a rendered judge prompt in user_prompt, or fields");
    // a user's template file that needs a field the samples lack: each sample is named
    Path template = dir.resolve("t.jinja");
    Files.writeString(template, "Rate: {{ answer }}\n");
    var missing = lager("render", "--model", MODEL, "--template", template.toString(), "--data",
        pairs.toString());
    assertThat(missing.code()).isEqualTo(LagerCli.EXIT_SKIPPED);
    assertThat(missing.err()).contains("skipped idx 3: the template " + template + " uses the"
        + " field answer, which the sample does not have (its fields: instruction, response_a,"
        + " response_b)");
  }

  @Test
  void weightsTunedOnOneLabelSetAreRefusedForAnotherUnlessReused(@TempDir Path dir)
      throws IOException {
    Path emotion = dir.resolve("emo.json");
    var score = lager("score", "--model", MODEL, "--template", "emotion", "--data",
        examples("emotion-items.jsonl").toString(), "--out", emotion.toString(), "--quiet");
    assertThat(score.code()).as(score.err()).isZero();
    Path weights = dir.resolve("w9.json");
    var tune = lager("tune", "--data", emotion.toString(), "--out", weights.toString());
    assertThat(tune.code()).as(tune.err()).isZero();
    assertThat(tune.out()).contains("labels 1-9");
    assertThat(json(weights).getAsJsonObject("provenance").get("labels").toString())
        .isEqualTo("[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\"]");
    Path prompts = ScoreCommandTest.promptsFile(dir, "tiny-qwen2");
    Path five = dir.resolve("five.json");
    assertOneLineError(lager("score", "--model", MODEL, "--data", prompts.toString(), "--out",
        five.toString(), "--weights", weights.toString()), 1, "the layer weights were tuned on"
        + " the labels 1-9 (of " + emotion + "), these samples are on 1-5; tune weights on this"
        + " label set, or pass --reuse-weights to reuse them");
    var reused = lager("score", "--model", MODEL, "--data", prompts.toString(), "--out",
        five.toString(), "--weights", weights.toString(), "--reuse-weights", "--quiet");
    assertThat(reused.code()).as(reused.err()).isZero();
    assertOneLineError(lager("evaluate", "--data", five.toString(), "--weights",
        weights.toString()), 1, "the layer weights of " + weights + " were tuned on the labels"
        + " 1-9");
    var evaluated = lager("evaluate", "--data", five.toString(), "--weights",
        weights.toString(), "--reuse-weights");
    assertThat(evaluated.code()).as(evaluated.err()).isZero();
    assertThat(evaluated.out()).contains("| lager_w ");
  }
}
