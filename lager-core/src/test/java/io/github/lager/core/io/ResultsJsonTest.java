package io.github.lager.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonObject;
import io.github.lager.core.InvalidInputException;
import io.github.lager.core.math.LabelSet;
import io.github.lager.core.math.LabelSetSyntax;
import io.github.lager.core.math.LayerLogits;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class ResultsJsonTest {
  static final LayerLogits Z = LayerLogits.of(new float[][] {
      {0.1f, 0.2f, 0.3f, 0.4f, 0.5f}, {1, -1, 2, 0, 0.25f}, {-4.75f, -4.5f, 20.375f, 27, -37.75f}});

  public static String valid(long idx, String logits) {
    return "{\"idx\": " + idx + ", \"prompt\": \"p\", \"human_score\": [4, 4, 3],"
        + " \"direct_socre\": 4.0, \"weighted_socre\": 3.9, \"weighted_direct_socre\": 3.4,"
        + " \"df\": {\"logits\": " + logits + "}}";
  }

  @Test
  void roundTripKeepsEverything(@TempDir Path dir) {
    ScoredSample a = ScoredSample.fromLogits(3, "judge this", HumanScore.ofAnnotators(4, 4, 3), Z,
        new int[] {5, 22, 2}, 1);
    ScoredSample b = ScoredSample.invalid(7, "and this", HumanScore.of(2), new int[] {9, 9});
    Path file = dir.resolve("out/results.json");
    ResultsJson.write(file, List.of(a, b));
    List<ScoredSample> back = ResultsJson.read(file);
    assertThat(back).hasSize(2);
    ScoredSample a2 = back.get(0);
    assertThat(a2.idx()).isEqualTo(3);
    assertThat(a2.prompt()).contains("judge this");
    assertThat(a2.humanScore()).contains(HumanScore.ofAnnotators(4, 4, 3));
    assertThat(a2.logits()).contains(Z);
    assertThat(a2.directScore()).isEqualTo(4.0);
    assertThat(a2.eScore()).isEqualTo(a.eScore());
    assertThat(a2.weightedDirectScore()).isEqualTo((5 + 3 + 4) / 3.0);
    assertThat(a2.generatedIds().orElseThrow()).containsExactly(5, 22, 2);
    assertThat(a2.scoreStep()).contains(1);
    assertThat(back.get(1).isValid()).isFalse();
    assertThat(back.get(1).eScore()).isEqualTo(-1);
  }

  @Test
  void labelSetsAndBothOrdersRoundTrip() {
    LabelSet mtBench = LabelSetSyntax.parse("A,B,C", "0,2,1");
    LayerLogits z3 = LayerLogits.of(new float[][] {{0.5f, 0, 1}, {2, 0.25f, -1}});
    LayerLogits z3b = LayerLogits.of(new float[][] {{1, 1, 0}, {-1, 3, 0.5f}});
    ScoredSample ab = ScoredSample.fromLogits(4, "A first", HumanScore.ofAnnotators(0, 0, 1), z3,
        new int[] {35, 2}, 0, mtBench);
    ScoredSample ba = ScoredSample.fromLogits(4, "B first", HumanScore.ofAnnotators(0, 0, 1), z3b,
        new int[] {36, 2}, 0, mtBench);
    ScoredSample pair = ab.withSwapped(ba);
    assertThat(pair.directScore()).as("label A, valued 0, is the most likely").isEqualTo(0);
    String line = ResultsJson.toJsonLine(pair, pair.resultColumns(null));
    JsonObject o = com.google.gson.JsonParser.parseString(line).getAsJsonObject();
    assertThat(o.get("score_labels").toString()).isEqualTo("[\"A\",\"B\",\"C\"]");
    assertThat(o.get("score_values").toString()).isEqualTo("[0,2,1]");
    assertThat(o.getAsJsonObject("swapped").get("prompt").getAsString()).isEqualTo("B first");
    assertThat(o.getAsJsonObject("swapped").has("human_score")).isFalse();
    JsonObject lagerWo = o.getAsJsonObject("pairwise").getAsJsonObject("lager_wo");
    assertThat(lagerWo.keySet()).containsExactly("ab", "ba", "mean", "outcome",
        "swap_consistent");
    assertThat(lagerWo.getAsJsonObject("ab").keySet()).containsExactly("p_a", "p_tie", "p_b",
        "score");
    assertThat(o.getAsJsonObject("pairwise").has("lager_w")).as("no weights").isFalse();
    // the frame's per-entry direct scores are label values too
    assertThat(o.getAsJsonObject("df").getAsJsonObject("direct_score").get("1").getAsInt())
        .isEqualTo(0);

    ScoredSample back = ResultsJson.read(new StringReader(line), "mem").get(0);
    assertThat(back.requireLabelSet()).isEqualTo(mtBench);
    assertThat(back.swapped()).isPresent();
    assertThat(back.swapped().get().logits()).contains(z3b);
    assertThat(back.swapped().get().humanScore()).isEqualTo(back.humanScore());
    assertThat(back.pairwiseScores(null)).isEqualTo(pair.pairwiseScores(null));

    // a reference file has no labels: its K labels are "1".."K"
    ScoredSample reference = ResultsJson.read(new StringReader("[" + valid(1,
        "{\"0\": [1, 2, 3], \"1\": [3, 2, 1]}") + "]"), "ref.json").get(0);
    assertThat(reference.requireLabelSet()).isEqualTo(LabelSet.of(3));
    String mismatch = line.replace("\"score_values\":[0,2,1]", "\"score_values\":[0,2]");
    assertThatThrownBy(() -> ResultsJson.read(new StringReader(mismatch), "m.json"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("m.json:1: sample #0 (idx 4): field 'score_labels' 3 labels [A, B, C]"
            + " but 2 values");
  }

  @Test
  void writesThePandasLayoutOfTheReference() {
    StringWriter out = new StringWriter();
    try (ResultsJson.ResultsWriter w = ResultsJson.ResultsWriter.to(out, "mem")) {
      w.write(ScoredSample.fromLogits(0, "p", HumanScore.of(4), Z, null, null));
      w.write(ScoredSample.invalid(1, "q", HumanScore.of(1), null));
    }
    var array = com.google.gson.JsonParser.parseString(out.toString()).getAsJsonArray();
    JsonObject df = array.get(0).getAsJsonObject().getAsJsonObject("df");
    assertThat(df.keySet()).containsExactly("layer_n", "direct_score", "weighted_score", "probs",
        "logits");
    assertThat(df.getAsJsonObject("layer_n").keySet()).containsExactly("0", "1", "2");
    assertThat(df.getAsJsonObject("direct_score").get("2").getAsInt()).isEqualTo(4);
    assertThat(df.getAsJsonObject("probs").getAsJsonArray("0")).hasSize(5);
    assertThat(df.getAsJsonObject("logits").getAsJsonArray("2").get(2).getAsDouble()).isEqualTo(20.375);
    assertThat(array.get(0).getAsJsonObject().keySet()).contains("direct_socre", "weighted_socre",
        "weighted_direct_socre");
    JsonObject invalid = array.get(1).getAsJsonObject();
    assertThat(invalid.get("weighted_socre").getAsDouble()).isEqualTo(-1);
    assertThat(invalid.getAsJsonObject("df").getAsJsonObject("probs").get("0").getAsInt()).isEqualTo(-1);
  }

  @Test
  void readsTheFixtureShapedFileAndJsonLines() {
    String logits = "{\"0\": [0.1, 0.2, 0.3, 0.4, 0.5], \"1\": [1, 2, 3, 4, 5]}";
    List<ScoredSample> a = ResultsJson.read(new StringReader("[" + valid(1, logits) + "]"), "a");
    List<ScoredSample> b = ResultsJson.read(
        new StringReader(valid(1, logits) + "\n\n" + valid(2, logits) + "\n"), "b");
    assertThat(a.get(0).logits().orElseThrow().get(1, 4)).isEqualTo(5f);
    assertThat(a.get(0).humanScore().orElseThrow().mean()).isCloseTo(11 / 3.0, within(1e-15));
    assertThat(b).extracting(ScoredSample::idx).containsExactly(1L, 2L);
  }

  @Test
  void nanLogitsAreNamedWithFileSampleAndEntry() {
    String logits = "{\"0\": [0.1, 0.2, 0.3, 0.4, 0.5], \"1\": [1, NaN, 3, 4, 5]}";
    assertThatThrownBy(() -> ResultsJson.read(
        new StringReader("[" + valid(5, "{\"0\": [1,2,3,4,5], \"1\": [1,2,3,4,5]}") + ", "
            + valid(1533, logits) + "]"), "flask.json"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("flask.json: sample #1 (idx 1533): field 'df.logits[\"1\"]' holds"
            + " NaN for score 2");
  }

  @Test
  void structuralProblemsAreNamed() {
    assertThatThrownBy(() -> ResultsJson.read(new StringReader(
        "[" + valid(4, "{\"0\": [1,2,3,4,5], \"1\": [1,2,3,4]}") + "]"), "f.json"))
        .hasMessage("f.json: sample #0 (idx 4): field 'df.logits' logits mismatch: entry 1 has 4, entry 0 has 5");
    assertThatThrownBy(() -> ResultsJson.read(new StringReader(
        "[{\"prompt\": \"x\"}]"), "f.json"))
        .hasMessage("f.json: sample #0: field 'idx' is missing");
    assertThatThrownBy(() -> ResultsJson.read(new StringReader(
        "[{\"idx\": 9, \"direct_socre\": 3, \"weighted_socre\": 2.5, \"weighted_direct_socre\": 3,"
            + " \"df\": {\"layer_n\": {}}}]"), "f.json"))
        .hasMessageStartingWith("f.json: sample #0 (idx 9): field 'df.logits' is missing");
    assertThatThrownBy(() -> ResultsJson.read(new StringReader(
        "[{\"idx\": \"seven\"}]"), "f.json"))
        .hasMessage("f.json: sample #0: field 'idx' must be a number, found the string \"seven\"");
    assertThatThrownBy(() -> ResultsJson.read(new StringReader(
        "[" + valid(1, "{\"0\": [1,2,3,4,5], \"2\": [1,2,3,4,5]}") + "]"), "f.json"))
        .hasMessageStartingWith("f.json: sample #0 (idx 1): field 'df.logits' has 2 rows but no row \"1\"");
  }

  @Test
  void malformedJsonNamesTheFileAndPosition() {
    assertThatThrownBy(() -> ResultsJson.read(new StringReader(
        "[" + valid(1, "{\"0\": [1,2,3,4,5], \"1\": [1,2,3,4,5]}") + ", {\"idx\": 2,"), "cut.json"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("cut.json: malformed JSON after 1 samples");
    assertThatThrownBy(() -> ResultsJson.read(new StringReader("{\"idx\": 1\n{oops"), "r.jsonl"))
        .hasMessageStartingWith("r.jsonl:1: malformed JSON");
    assertThatThrownBy(() -> ResultsJson.read(new StringReader("[]"), "empty.json"))
        .hasMessage("empty.json: holds no samples");
  }

  @Test
  void aMissingFileIsNamed(@TempDir Path dir) {
    assertThatThrownBy(() -> ResultsJson.read(dir.resolve("nope.json")))
        .hasMessageContaining("results file not found").hasMessageContaining("nope.json");
  }

  @Test
  void unusableSamplesAreLeftOutAndListedWhenAsked() {
    String good = valid(1, "{\"0\": [1,2,3,4,5], \"1\": [1,2,3,4,5]}");
    String nan = valid(2, "{\"0\": [1,NaN,3,4,5], \"1\": [1,2,3,4,5]}");
    String array = "[" + good + ", " + nan + ", " + valid(3, "{\"0\": [5,4,3,2,1], \"1\": [1,2,3,4,5]}") + "]";
    assertThatThrownBy(() -> ResultsJson.read(new StringReader(array), "a.json"))
        .hasMessageStartingWith("a.json: sample #1 (idx 2): field 'df.logits[\"0\"]' holds NaN");
    ResultsJson.Contents c = ResultsJson.read(new StringReader(array), "a.json", true);
    assertThat(c.samples()).extracting(ScoredSample::idx).containsExactly(1L, 3L);
    assertThat(c.problems()).singleElement().asString()
        .startsWith("a.json: sample #1 (idx 2): field 'df.logits[\"0\"]' holds NaN for score 2");

    String lines = good + "\n{oops\n" + nan + "\n";
    ResultsJson.Contents l = ResultsJson.read(new StringReader(lines), "r.jsonl", true);
    assertThat(l.samples()).extracting(ScoredSample::idx).containsExactly(1L);
    assertThat(l.problems()).hasSize(2);
    assertThat(l.problems().get(0)).startsWith("r.jsonl:2: malformed JSON");
    assertThat(l.problems().get(1)).startsWith("r.jsonl:3: sample #1 (idx 2): field");
    assertThatThrownBy(() -> ResultsJson.read(new StringReader(nan), "only.jsonl", true))
        .hasMessageStartingWith("only.jsonl: holds no samples that can be used; first problem:"
            + " only.jsonl:1: sample #0 (idx 2)");
  }

  @Test
  void aPartialFileReadsWithoutItsManifestLine() {
    String partial = new RunManifest(java.util.Map.of("points", "5")).toJsonLine() + "\n"
        + valid(4, "{\"0\": [1,2,3,4,5], \"1\": [1,2,3,4,5]}") + "\n";
    assertThat(ResultsJson.read(new StringReader(partial), "r.json.partial.jsonl"))
        .extracting(ScoredSample::idx).containsExactly(4L);
  }
}
