package io.github.lager.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.lager.core.InvalidInputException;
import io.github.lager.core.TestData;
import io.github.lager.core.io.HumanScore;
import io.github.lager.core.io.JudgeSample;
import io.github.lager.core.io.JudgeSamplesJsonl;
import io.github.lager.core.io.ScoredSample;
import io.github.lager.core.math.LabelSet;
import io.github.lager.core.math.LabelSetSyntax;
import io.github.lager.core.math.LayerLogits;
import io.github.lager.core.math.PairwiseScore;
import io.github.lager.core.math.PairwiseScore.Outcome;
import io.github.lager.core.math.ScoreMethod;
import io.github.lager.core.metrics.Agreement;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pairwise evaluation against numpy (scikit-learn's accuracy and Cohen's kappa written out):
 * golden/pairwise.json from tools/golden/make_pairwise_golden.py, to 1e-9.
 */
class PairwiseGoldenTest {
  static final double TOLERANCE = 1e-9;
  /** The golden's score columns stand in for these three scores. */
  static final Map<String, ScoreMethod> SCORES = Map.of("argmax", ScoreMethod.DIRECT_SCORE,
      "continuous", ScoreMethod.E_SCORE, "halfway", ScoreMethod.LAGER_WO);
  static final LabelSet PAIRWISE = LabelSetSyntax.parse("0,1,2", null);
  static final double[] UNIFORM = {1 / 3.0, 1 / 3.0, 1 / 3.0};

  static JsonObject golden;

  @BeforeAll
  static void load() throws Exception {
    Path file = Path.of(PairwiseGoldenTest.class.getResource("/golden/pairwise.json").toURI());
    golden = TestData.readJson(file).getAsJsonObject();
  }

  static void close(double actual, JsonObject expected, String field, String what) {
    JsonElement e = expected.get(field);
    if (e.isJsonNull()) {
      assertThat(actual).as("%s %s (null: undefined in the golden)", what, field).isNaN();
    } else {
      assertThat(actual).as("%s %s (tolerance %s)", what, field, TOLERANCE)
          .isCloseTo(e.getAsDouble(), within(TOLERANCE));
    }
  }

  static int[] ints(JsonArray a) {
    return a.asList().stream().mapToInt(JsonElement::getAsInt).toArray();
  }

  @Test
  void accuracyAndKappaAreScikitLearns() {
    for (JsonElement e : golden.getAsJsonArray("agreement")) {
      JsonObject c = e.getAsJsonObject();
      int[] a = ints(c.getAsJsonArray("a"));
      int[] b = ints(c.getAsJsonArray("b"));
      close(Agreement.accuracy(a, b), c, "accuracy", c.get("a") + " vs " + c.get("b"));
      close(Agreement.cohenKappa(a, b), c, "cohen_kappa", c.get("a") + " vs " + c.get("b"));
    }
  }

  @Test
  void theEvaluationMatchesTheGolden() {
    for (JsonElement e : golden.getAsJsonArray("evaluation")) {
      JsonObject c = e.getAsJsonObject();
      String name = c.get("name").getAsString();
      List<HumanScore> humans = new ArrayList<>();
      for (JsonElement h : c.getAsJsonArray("humans")) {
        humans.add(HumanScore.ofAnnotators(TestData.doubles(h.getAsJsonArray())));
      }
      long[] idx = new long[humans.size()];
      for (int i = 0; i < idx.length; i++) {
        idx[i] = i;
      }
      boolean swapped = !c.get("scores_ba").isJsonNull();
      Map<ScoreMethod, List<PairwiseScore>> scores = new LinkedHashMap<>();
      for (Map.Entry<String, JsonElement> s : c.getAsJsonObject("scores_ab").entrySet()) {
        double[] ab = TestData.doubles(s.getValue().getAsJsonArray());
        double[] ba = swapped
            ? TestData.doubles(c.getAsJsonObject("scores_ba").getAsJsonArray(s.getKey())) : null;
        List<PairwiseScore> list = new ArrayList<>();
        for (int i = 0; i < ab.length; i++) {
          list.add(swapped ? PairwiseScore.of(UNIFORM, ab[i], UNIFORM, ba[i], PAIRWISE)
              : PairwiseScore.of(UNIFORM, ab[i], PAIRWISE));
        }
        scores.put(SCORES.get(s.getKey()), list);
      }
      PairwiseEvaluation.Report r = PairwiseEvaluation.evaluate(PAIRWISE, idx, humans, scores, 0);
      assertThat(r.swapped()).as(name).isEqualTo(swapped);
      assertThat(r.noMajority()).as(name).isEqualTo(c.get("no_majority").getAsInt());
      assertThat(List.of(r.majorities().get(Outcome.A_BETTER), r.majorities().get(Outcome.TIE),
          r.majorities().get(Outcome.B_BETTER))).as(name)
          .containsExactlyElementsOf(c.getAsJsonArray("majorities").asList().stream()
              .map(JsonElement::getAsInt).toList());
      for (Map.Entry<String, JsonElement> g : c.getAsJsonObject("rows").entrySet()) {
        ScoreMethod m = SCORES.get(g.getKey());
        JsonObject expected = g.getValue().getAsJsonObject();
        PairwiseEvaluation.Row row = r.rows().get(m);
        String what = name + ", " + g.getKey();
        assertThat(row.n()).as(what).isEqualTo(expected.get("n").getAsInt());
        assertThat(row.withoutTies()).as(what).isEqualTo(expected.get("without_ties").getAsInt());
        close(row.accuracy(), expected, "accuracy", what);
        close(row.accuracyWithoutTies(), expected, "accuracy_without_ties", what);
        close(row.cohenKappa(), expected, "cohen_kappa", what);
        if (swapped) {
          close(row.swapConsistency().getAsDouble(), expected, "swap_consistency", what);
        } else {
          assertThat(row.swapConsistency()).as(what).isEmpty();
        }
        int[] predicted = ints(expected.getAsJsonArray("predicted"));
        assertThat(new int[] {row.predicted().get(Outcome.A_BETTER),
            row.predicted().get(Outcome.TIE), row.predicted().get(Outcome.B_BETTER)}).as(what)
            .containsExactly(predicted);
        int[] outcomes = ints(expected.getAsJsonArray("outcomes"));
        for (int i = 0; i < outcomes.length; i++) {
          assertThat(scores.get(m).get(i).outcome().ordinal()).as("%s, sample %d", what, i)
              .isEqualTo(outcomes[i]);
        }
      }
      if (c.has("human_ceiling")) {
        JsonObject expected = c.getAsJsonObject("human_ceiling");
        PairwiseEvaluation.Ceiling ceiling = r.humanCeiling().orElseThrow();
        assertThat(ceiling.comparisons()).isEqualTo(expected.get("comparisons").getAsInt());
        assertThat(ceiling.skipped()).isEqualTo(expected.get("skipped").getAsInt());
        close(ceiling.accuracy(), expected, "accuracy", name + " ceiling");
        close(ceiling.cohenKappa(), expected, "cohen_kappa", name + " ceiling");
      } else {
        assertThat(r.humanCeiling()).as(name + ": single annotators, no ceiling").isEmpty();
      }
    }
  }

  @Test
  void bothOrdersOfOneSampleAreMappedBackThroughTheLabelsValues() {
    JsonObject c = golden.getAsJsonObject("logits");
    List<String> labels = c.getAsJsonArray("labels").asList().stream()
        .map(JsonElement::getAsString).toList();
    LabelSet labelSet = LabelSet.of(labels, TestData.doubles(c.getAsJsonArray("values")));
    ScoredSample ab = ScoredSample.fromLogits(7, "AB", HumanScore.ofAnnotators(0, 0, 2),
        LayerLogits.of(TestData.matrix(c.getAsJsonArray("logits_ab"))), null, null, labelSet);
    ScoredSample ba = ScoredSample.fromLogits(7, "BA", HumanScore.ofAnnotators(0, 0, 2),
        LayerLogits.of(TestData.matrix(c.getAsJsonArray("logits_ba"))), null, null, labelSet);
    Map<ScoreMethod, PairwiseScore> p = ab.withSwapped(ba).pairwiseScores(null);
    assertThat(p).doesNotContainKey(ScoreMethod.LAGER_W);
    for (Map.Entry<String, JsonElement> e : c.getAsJsonObject("expected").entrySet()) {
      JsonObject x = e.getValue().getAsJsonObject();
      PairwiseScore s = p.get(ScoreMethod.byKey(e.getKey()));
      String what = e.getKey();
      probabilities(s.ab(), x.getAsJsonArray("p_ab"), what + " ab");
      probabilities(s.ba().orElseThrow(), x.getAsJsonArray("p_ba"), what + " ba");
      probabilities(s.mean(), x.getAsJsonArray("p_mean"), what + " mean");
      close(s.scoreAb(), x, "score_ab", what);
      close(s.scoreBa().getAsDouble(), x, "score_ba", what);
      close(s.score(), x, "score", what);
      assertThat(s.outcome().key()).as(what).isEqualTo(x.get("outcome").getAsString());
      assertThat(s.swapConsistent()).as(what).contains(x.get("swap_consistent").getAsBoolean());
    }
  }

  static void probabilities(PairwiseScore.Probabilities p, JsonArray expected, String what) {
    assertThat(new double[] {p.a(), p.tie(), p.b()}).as(what)
        .containsExactly(TestData.doubles(expected), within(TOLERANCE));
  }

  @Test
  void mtBenchHumanMajoritiesAndCeiling() {
    Optional<Path> shared = TestData.sharedData();
    assumeTrue(shared.isPresent() && !golden.get("mt_bench").isJsonNull(),
        "../shared/data (mt_bench_digit.jsonl) is not beside the checkout");
    JsonObject c = golden.getAsJsonObject("mt_bench");
    List<JudgeSample> samples = JudgeSamplesJsonl.read(shared.get().resolve(
        c.get("file").getAsString())).samples();
    assertThat(samples).hasSize(c.get("samples").getAsInt());
    List<HumanScore> humans = samples.stream().map(s -> s.humanScore().orElseThrow()).toList();
    Map<ScoreMethod, List<PairwiseScore>> none = new LinkedHashMap<>();
    PairwiseEvaluation.Report r = PairwiseEvaluation.evaluate(PAIRWISE,
        samples.stream().mapToLong(JudgeSample::idx).toArray(), humans, none, 0);
    assertThat(r.noMajority()).isEqualTo(c.get("no_majority").getAsInt());
    assertThat(r.majorities().values()).containsExactlyElementsOf(
        c.getAsJsonArray("majorities").asList().stream().map(JsonElement::getAsInt).toList());
    JsonObject ceiling = c.getAsJsonObject("human_ceiling");
    PairwiseEvaluation.Ceiling actual = r.humanCeiling().orElseThrow();
    assertThat(actual.comparisons()).isEqualTo(ceiling.get("comparisons").getAsInt());
    assertThat(actual.skipped()).isEqualTo(ceiling.get("skipped").getAsInt());
    close(actual.accuracy(), ceiling, "accuracy", "mt_bench ceiling");
    close(actual.cohenKappa(), ceiling, "cohen_kappa", "mt_bench ceiling");
  }

  @Test
  void humanLabelsMustBePairwiseLabels() {
    Map<ScoreMethod, List<PairwiseScore>> scores = Map.of(ScoreMethod.E_SCORE,
        List.of(PairwiseScore.of(UNIFORM, 1, PAIRWISE)));
    assertThatThrownBy(() -> PairwiseEvaluation.evaluate(PAIRWISE, new long[] {42},
        List.of(HumanScore.ofAnnotators(0, 3)), scores, 0))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("idx 42: human label 3 is not a pairwise label (0 = A better, 1 = tie, 2 ="
            + " B better)");
    assertThatThrownBy(() -> PairwiseEvaluation.evaluate(LabelSet.of(3), new long[] {1},
        List.of(HumanScore.of(1)), scores, 0))
        .hasMessageContaining("the label set 1-3 is not pairwise");
  }
}
