package io.github.lager.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.lager.core.calibration.Calibration;
import io.github.lager.core.calibration.CalibrationMap;
import io.github.lager.core.calibration.CalibrationMethod;
import io.github.lager.core.io.JudgeSample;
import io.github.lager.core.io.ScoredSample;
import io.github.lager.core.math.LabelSet;
import io.github.lager.core.math.LabelSetSyntax;
import io.github.lager.core.math.ScoreMethod;
import io.github.lager.hf.Judge;
import io.github.lager.hf.JudgeOptions;
import io.github.lager.hf.backend.ProviderOptions;
import io.github.lager.hf.template.JinjaPromptTemplate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.ai.document.Document;
import org.springframework.ai.evaluation.EvaluationRequest;
import org.springframework.ai.evaluation.EvaluationResponse;

/**
 * {@link LagerEvaluator} on the tiny-qwen2 fixture (CPU, DJL backend), checked against
 * {@link Judge#score}: what {@code lager score --template absolute} computes.
 */
class LagerEvaluatorTest {
  /** The evaluator's float score vs lager's double: float rounding. */
  static final double FLOAT = 1e-6;
  /** Requests that shared a batch vs alone: the backend's batch-composition tolerance. */
  static final double ACROSS_BATCHES = 1e-3;

  static LagerEvaluator evaluator;
  static final Calibration CALIBRATION = new Calibration(CalibrationMethod.LINEAR,
      LabelSet.of(5), Map.of(ScoreMethod.LAGER_WO, new CalibrationMap.Linear(0.5, 0.9)),
      new Calibration.Provenance("valid.json", "00", 10, Optional.empty(), "test"));

  static Path fixture(String name) {
    return Path.of(System.getProperty("lager.project.root", ".."), "fixtures", name);
  }

  @BeforeAll
  static void open() {
    evaluator = LagerEvaluator.builder().modelDirectory(fixture("tiny-qwen2"))
        .device(ProviderOptions.Device.CPU).threshold(3).calibration(CALIBRATION).build();
  }

  @AfterAll
  static void close() {
    evaluator.close();
  }

  static final EvaluationRequest REQUEST = new EvaluationRequest("Who wrote Hamlet?",
      List.of(new Document("Hamlet is a tragedy by William Shakespeare.")), "Shakespeare.");

  @Test
  @SuppressWarnings("unchecked")
  void scoreIsLagerScoresLagerWoForTheSamePrompt() {
    EvaluationResponse r = evaluator.evaluate(REQUEST);
    Map<String, Object> m = r.getMetadata();
    assertThat(m.get("valid")).isEqualTo(true);
    assertThat(m.get("score_method")).isEqualTo("lager_wo");
    String prompt = (String) m.get("prompt");
    assertThat(prompt).contains("### The instruction to evaluate:\nWho wrote Hamlet?\n\nContext:\n"
        + "Hamlet is a tragedy by William Shakespeare.\n\n### Response to evaluate:\nShakespeare.");

    // lager score --template absolute on the same fields, and on the rendered prompt
    JudgeSample fields = evaluator.sample(REQUEST);
    try (Judge judge = Judge.open(fixture("tiny-qwen2"), JudgeOptions.builder()
        .device(ProviderOptions.Device.CPU).template(JinjaPromptTemplate.builtIn("absolute"))
        .build())) {
      ScoredSample s = scoreAlone(judge, fields);
      assertThat(s.prompt()).contains(prompt);
      double lagerWo = s.score(ScoreMethod.LAGER_WO, null);
      assertThat((double) r.getScore()).as("score vs lager_wo, within %s", FLOAT)
          .isCloseTo(lagerWo, within(FLOAT));
      assertThat(r.isPass()).isEqualTo(lagerWo >= 3);
      Map<String, Double> scores = (Map<String, Double>) m.get("scores");
      assertThat(scores.get("lager_wo")).isEqualTo(lagerWo);
      assertThat(scores.get("e_score")).isEqualTo(s.score(ScoreMethod.E_SCORE, null));
      // the final layer's mass on the labels (FinalLabelMassTest checks it against the LM head)
      assertThat((double) m.get("final_label_mass"))
          .isCloseTo(s.finalLabelMass().orElseThrow(), within(1e-6));
      Map<String, Double> dist = (Map<String, Double>) m.get("distribution");
      assertThat(dist.keySet()).containsExactly("1", "2", "3", "4", "5");
      double sum = 0;
      double expectation = 0;
      for (Map.Entry<String, Double> e : dist.entrySet()) {
        sum += e.getValue();
        expectation += Integer.parseInt(e.getKey()) * e.getValue();
      }
      assertThat(sum).isCloseTo(1, within(1e-6));
      assertThat(expectation).isCloseTo(lagerWo, within(1e-9));
      assertThat(((Map<String, Double>) m.get("calibrated")).get("lager_wo_calibrated"))
          .isCloseTo(0.5 + 0.9 * lagerWo, within(1e-12));
    }
    try (Judge judge = Judge.open(fixture("tiny-qwen2"), JudgeOptions.builder()
        .device(ProviderOptions.Device.CPU).build())) {
      ScoredSample s = scoreAlone(judge, new JudgeSample(0, prompt, Optional.empty(),
          Optional.empty()));
      assertThat((double) r.getScore()).isCloseTo(s.score(ScoreMethod.LAGER_WO, null),
          within(FLOAT));
    }
    assertThat(r.getFeedback()).isNotEmpty();
  }

  static ScoredSample scoreAlone(Judge judge, JudgeSample sample) {
    List<ScoredSample> out = new ArrayList<>();
    judge.score(List.of(sample), out::add);
    assertThat(out).hasSize(1);
    return out.get(0);
  }

  @Test
  void theSameRequestTwiceGivesTheSameResponse() {
    assertThat(evaluator.evaluate(REQUEST)).isEqualTo(evaluator.evaluate(REQUEST));
  }

  @Test
  void aJudgeThatWritesNoLabelNeitherPassesNorGetsAScore() {
    try (LagerEvaluator llama = LagerEvaluator.builder().modelDirectory(fixture("tiny-llama"))
        .device(ProviderOptions.Device.CPU).threshold(1).labelSet(LabelSetSyntax.ofNumbers(
            List.of("8", "9"))).build()) {
      EvaluationResponse r = llama.evaluate(REQUEST);
      assertThat(r.getMetadata().get("valid")).isEqualTo(false);
      assertThat(r.isPass()).isFalse();
      assertThat(r.getScore()).isNaN();
      assertThat(r.getMetadata()).doesNotContainKeys("scores", "distribution");
      assertThat((String) r.getMetadata().get("reason")).contains("generated no label");
    }
  }

  @Test
  void aThresholdIsRequired() {
    assertThatThrownBy(() -> LagerEvaluator.builder().modelDirectory(fixture("tiny-qwen2"))
        .build()).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("threshold is required");
  }

  @Test
  void aLabelThatIsNotOneTokenIsRefusedNamingIt() {
    assertThatThrownBy(() -> LagerEvaluator.builder().modelDirectory(fixture("tiny-qwen2"))
        .device(ProviderOptions.Device.CPU).threshold(1)
        .labelSet(LabelSet.of(List.of("bad", "good"), new double[] {0, 1})).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the label \"bad\" is not one token");
  }

  @Test
  void concurrentCallersGetTheirOwnScores() throws Exception {
    List<EvaluationRequest> requests = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      requests.add(new EvaluationRequest("What is " + i + " times 3?", "" + (3 * i + i % 2)));
    }
    List<EvaluationResponse> alone = requests.stream().map(evaluator::evaluate).toList();
    ExecutorService callers = Executors.newFixedThreadPool(16);
    try {
      List<CompletableFuture<EvaluationResponse>> together = new ArrayList<>();
      for (EvaluationRequest q : requests) {
        together.add(CompletableFuture.supplyAsync(() -> evaluator.evaluate(q), callers));
      }
      for (int i = 0; i < requests.size(); i++) {
        EvaluationResponse t = together.get(i).get(120, TimeUnit.SECONDS);
        assertThat(t.getMetadata().get("prompt")).isEqualTo(alone.get(i).getMetadata()
            .get("prompt"));
        assertThat(t.getMetadata().get("valid")).isEqualTo(alone.get(i).getMetadata()
            .get("valid"));
        if (Boolean.TRUE.equals(t.getMetadata().get("valid"))) {
          assertThat((double) t.getScore()).as("request %d, within %s", i, ACROSS_BATCHES)
              .isCloseTo(alone.get(i).getScore(), within(ACROSS_BATCHES));
        }
      }
    } finally {
      callers.shutdownNow();
    }
  }
}
