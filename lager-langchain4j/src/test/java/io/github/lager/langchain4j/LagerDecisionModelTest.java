package io.github.lager.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonElement;
import com.google.gson.JsonPrimitive;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.decision.request.ChoiceQuestion;
import dev.langchain4j.model.decision.request.DecisionRequest;
import dev.langchain4j.model.decision.request.ScaleQuestion;
import dev.langchain4j.model.decision.request.YesNoQuestion;
import dev.langchain4j.model.decision.response.ChoiceAnswer;
import dev.langchain4j.model.decision.response.DecisionResponse;
import dev.langchain4j.model.decision.response.RefusalAnswer;
import dev.langchain4j.model.decision.response.ScaleAnswer;
import io.github.lager.core.io.JudgeSample;
import io.github.lager.core.io.ScoredSample;
import io.github.lager.core.math.LabelSet;
import io.github.lager.core.math.PairwiseScore;
import io.github.lager.core.math.ScoreMethod;
import io.github.lager.hf.Judge;
import io.github.lager.hf.JudgeOptions;
import io.github.lager.hf.backend.ProviderOptions;
import io.github.lager.hf.template.JinjaPromptTemplate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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

/**
 * {@link LagerDecisionModel} on the tiny-qwen2 fixture (CPU, DJL backend), checked against
 * {@link Judge#score} on the same rendered prompt: what {@code lager score} computes.
 */
class LagerDecisionModelTest {
  /** Probabilities of one answer sum to 1 within this. */
  static final double SUM_TOLERANCE = 1e-6;
  /** The adapter and a Judge running the same prompt in a batch of one: the same computation. */
  static final double SAME_RUN = 1e-9;
  /**
   * Answers of requests that shared a batch with others vs alone: the backend contract's
   * batch-composition tolerance (hidden states within 1e-4 relative, docs/development.md).
   */
  static final double ACROSS_BATCHES = 1e-3;

  static final String INPUT = "Q: Who wrote Hamlet?\nA: Shakespeare.";
  static final List<String> ONE_TO_FIVE = List.of("1", "2", "3", "4", "5");

  static LagerDecisionModel model;

  static Path fixture(String name) {
    return Path.of(System.getProperty("lager.project.root", ".."), "fixtures", name);
  }

  @BeforeAll
  static void open() {
    model = LagerDecisionModel.builder().modelDirectory(fixture("tiny-qwen2"))
        .device(ProviderOptions.Device.CPU).yesNoLabels("2", "1").build();
  }

  @AfterAll
  static void close() {
    model.close();
  }

  static ScaleQuestion quality() {
    return ScaleQuestion.builder().text("How correct is the answer?").level("1", "wrong")
        .level("2").level("3", "partly right").level("4").level("5", "fully correct").build();
  }

  static LagerDecisionMetadata meta(DecisionResponse r) {
    return (LagerDecisionMetadata) r.metadata();
  }

  static ScoredSample scoreAlone(Judge judge, JudgeSample sample) {
    List<ScoredSample> out = new ArrayList<>();
    judge.score(List.of(sample), out::add);
    assertThat(out).hasSize(1);
    return out.get(0);
  }

  @Test
  void scaleQuestionIsLagersDistributionOverTheLevelsAndItsExpectation() {
    DecisionResponse r = model.decide(DecisionRequest.builder().input(INPUT)
        .question("quality", quality()).build());
    ScaleAnswer a = r.scale("quality");
    LagerAnswerMetadata m = meta(r).answer("quality");
    assertThat(m.valid()).isTrue();
    assertThat(m.scoreMethod()).isEqualTo("lager_wo");
    assertThat(m.weights()).startsWith("uniform");
    assertThat(a.probabilities()).hasSize(5);
    assertThat(a.probabilities().stream().mapToDouble(Double::doubleValue).sum())
        .as("sum of probabilities, within %s", SUM_TOLERANCE).isCloseTo(1, within(SUM_TOLERANCE));
    double expectation = 0;
    for (int i = 0; i < 5; i++) {
      expectation += i * a.probabilities().get(i);
    }
    assertThat(a.mean()).isCloseTo(expectation, within(1e-12));

    // The prompt the built-in scale template rendered from the input, the question and levels.
    assertThat(m.prompt()).isEqualTo(INPUT + "\n\n### Question:\nHow correct is the answer?\n\n"
        + "### Levels:\n- 1: wrong\n- 2\n- 3: partly right\n- 4\n- 5: fully correct\n\n"
        + "### Task:\nOutput only the level: one of 1, 2, 3, 4, 5.\n\n### Answer:");

    // lager score on that prompt: labels 1-5 valued as LangChain4j's level indices 0..4 ...
    LabelSet indexed = LabelSet.of(ONE_TO_FIVE, new double[] {0, 1, 2, 3, 4});
    JudgeSample rendered = new JudgeSample(0, m.prompt(), Optional.empty(), Optional.empty());
    try (Judge judge = Judge.open(fixture("tiny-qwen2"), JudgeOptions.builder()
        .device(ProviderOptions.Device.CPU).labelSet(indexed).build())) {
      ScoredSample s = scoreAlone(judge, rendered);
      assertThat(a.mean()).as("mean vs lager_wo, within %s", SAME_RUN)
          .isCloseTo(s.score(ScoreMethod.LAGER_WO, null), within(SAME_RUN));
      double[] p = ScoreMethod.LAGER_WO.distribution(s.logits().orElseThrow(), null);
      for (int i = 0; i < 5; i++) {
        assertThat(a.probabilities().get(i)).isCloseTo(p[i], within(SAME_RUN));
      }
      assertThat(m.scores().get("lager_wo")).isCloseTo(a.mean(), within(SAME_RUN));
    }
    // ... and on the paper's 1-5 (lager score's default labels): the same mean, shifted by one.
    try (Judge judge = Judge.open(fixture("tiny-qwen2"), JudgeOptions.builder()
        .device(ProviderOptions.Device.CPU).build())) {
      assertThat(scoreAlone(judge, rendered).score(ScoreMethod.LAGER_WO, null))
          .isCloseTo(a.mean() + 1, within(SAME_RUN));
    }
  }

  @Test
  void theSameRequestTwiceGivesTheSameAnswer() {
    DecisionRequest req = DecisionRequest.builder().input(INPUT).question("quality", quality())
        .question("grounded", YesNoQuestion.from("Is the answer grounded?")).build();
    DecisionResponse first = model.decide(req);
    DecisionResponse second = model.decide(req);
    assertThat(second.answers()).isEqualTo(first.answers());
    assertThat(second.metadata()).isEqualTo(first.metadata());
  }

  @Test
  void severalLabelSetsShareOneLoadedModelAndAnswerAsSeparateJudges() {
    ScaleQuestion oneToThree = ScaleQuestion.from("How fluent is the answer?",
        List.of("1", "2", "3"));
    DecisionRequest req = DecisionRequest.builder().input(INPUT)
        .question("quality", quality()).question("fluency", oneToThree)
        .question("grounded", YesNoQuestion.from("Is the answer grounded?")).build();
    int checkpointOpens = io.github.lager.hf.checkpoint.Checkpoint.openCount();
    int configReads = io.github.lager.hf.architecture.ModelConfig.readCount();
    DecisionResponse r;
    try (LagerDecisionModel fresh = LagerDecisionModel.builder()
        .modelDirectory(fixture("tiny-qwen2")).device(ProviderOptions.Device.CPU)
        .yesNoLabels("2", "1").build()) {
      r = fresh.decide(req);
      fresh.decide(req);
      // three label sets (1-5, 1-3, yes/no as "2"/"1"), two requests: the model opened once
      assertThat(io.github.lager.hf.checkpoint.Checkpoint.openCount() - checkpointOpens)
          .as("checkpoint opens").isEqualTo(1);
      assertThat(io.github.lager.hf.architecture.ModelConfig.readCount() - configReads)
          .as("config.json reads").isEqualTo(1);
    }
    assertThat(meta(r).answer("grounded").valid()).isTrue();
    // each scale equals a judge opened on its own label set alone, on the same rendered prompt
    Map<String, List<String>> levels = Map.of("quality", ONE_TO_FIVE, "fluency",
        List.of("1", "2", "3"));
    for (Map.Entry<String, List<String>> e : levels.entrySet()) {
      List<String> labels = e.getValue();
      double[] values = new double[labels.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = i;
      }
      LagerAnswerMetadata m = meta(r).answer(e.getKey());
      ScaleAnswer a = r.scale(e.getKey());
      try (Judge judge = Judge.open(fixture("tiny-qwen2"), JudgeOptions.builder()
          .device(ProviderOptions.Device.CPU).labelSet(LabelSet.of(labels, values)).build())) {
        ScoredSample s = scoreAlone(judge, new JudgeSample(0, m.prompt(), Optional.empty(),
            Optional.empty()));
        double[] p = ScoreMethod.LAGER_WO.distribution(s.logits().orElseThrow(), null);
        assertThat(a.probabilities()).hasSize(labels.size());
        for (int i = 0; i < labels.size(); i++) {
          assertThat(a.probabilities().get(i)).as("%s level %s", e.getKey(), labels.get(i))
              .isCloseTo(p[i], within(SAME_RUN));
        }
        assertThat(a.mean()).isCloseTo(s.score(ScoreMethod.LAGER_WO, null), within(SAME_RUN));
        assertThat(m.finalLabelMass().getAsDouble())
            .isCloseTo(s.finalLabelMass().getAsDouble(), within(SAME_RUN));
      }
    }
  }

  @Test
  void aLevelThatIsNotOneTokenIsRefusedNamingIt() {
    DecisionRequest req = DecisionRequest.builder().input(INPUT).question("quality",
        ScaleQuestion.from("How good?", List.of("1", "2", "very good"))).build();
    assertThatThrownBy(() -> model.decide(req)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("question 'quality': the level \"very good\" is not one token of"
            + " the judge's vocabulary")
        .hasMessageContaining("tokenizer.json");
  }

  @Test
  void theDefaultYesNoLabelsAreRefusedByATokenizerWithoutThem() {
    try (LagerDecisionModel plain = LagerDecisionModel.builder()
        .modelDirectory(fixture("tiny-qwen2")).device(ProviderOptions.Device.CPU).build()) {
      assertThatThrownBy(() -> plain.decide(DecisionRequest.builder().input(INPUT)
          .question("ok", YesNoQuestion.from("Is it right?")).build()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("question 'ok': the label \"yes\" is not one token");
    }
  }

  @Test
  void pairwiseChoiceWithSwapEqualsLagerScorePairwise() {
    Map<String, Object> pair = new LinkedHashMap<>();
    pair.put("instruction", "What is 2+2?");
    pair.put("response_a", "4");
    pair.put("response_b", "5");
    DecisionResponse r = model.decide(DecisionRequest.builder().inputFields(pair)
        .question("better", ChoiceQuestion.from("Which answer is better?",
            List.of("0", "1", "2"))).build());
    ChoiceAnswer a = r.choice("better");
    LagerAnswerMetadata m = meta(r).answer("better");
    assertThat(m.valid()).isTrue();
    assertThat(m.positionSwapped()).isTrue();

    // lager score --template pairwise --pairwise (labels 0,1,2) on the same pair
    Map<String, JsonElement> fields = new LinkedHashMap<>();
    pair.forEach((k, v) -> fields.put(k, new JsonPrimitive((String) v)));
    try (Judge judge = Judge.open(fixture("tiny-qwen2"), JudgeOptions.builder()
        .device(ProviderOptions.Device.CPU).template(JinjaPromptTemplate.builtIn("pairwise"))
        .pairwise(true).build())) {
      ScoredSample s = scoreAlone(judge, new JudgeSample(0, Optional.empty(), Optional.empty(),
          Optional.empty(), fields));
      assertThat(s.prompt()).contains(m.prompt());
      PairwiseScore.Probabilities expected = s.pairwiseScores(null).get(ScoreMethod.LAGER_WO)
          .mean();
      assertThat(a.probabilityOf("0")).as("P(A)").isCloseTo(expected.a(), within(SAME_RUN));
      assertThat(a.probabilityOf("1")).as("P(tie)").isCloseTo(expected.tie(), within(SAME_RUN));
      assertThat(a.probabilityOf("2")).as("P(B)").isCloseTo(expected.b(), within(SAME_RUN));
    }
    assertThat(a.probabilities().values().stream().mapToDouble(Double::doubleValue).sum())
        .isCloseTo(1, within(SUM_TOLERANCE));
  }

  @Test
  void aTwoOptionPairwiseChoiceIsRefusedWithTheReason() {
    DecisionRequest req = DecisionRequest.builder()
        .inputFields(Map.of("instruction", "Q", "response_a", "x", "response_b", "y"))
        .question("better", ChoiceQuestion.from("Which?", List.of("0", "2"))).build();
    assertThatThrownBy(() -> model.decide(req)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("question 'better': a pairwise choice")
        .hasMessageContaining("needs three options in this order: A is better, a tie, B is"
            + " better");
  }

  @Test
  void choiceAndYesNoAreLagersDistributionsOverTheirLabels() {
    DecisionResponse r = model.decide(DecisionRequest.builder().input(INPUT)
        .question("kind", ChoiceQuestion.builder().text("What kind of answer is it?")
            .option("1", "a fact").option("2", "an opinion").option("3", "a refusal").build())
        .question("true", YesNoQuestion.builder().text("Is the answer true?").build())
        .build());
    ChoiceAnswer c = r.choice("kind");
    LagerAnswerMetadata cm = meta(r).answer("kind");
    assertThat(cm.valid()).isTrue();
    assertThat(c.probabilities().values().stream().mapToDouble(Double::doubleValue).sum())
        .isCloseTo(1, within(SUM_TOLERANCE));
    String best = c.probabilities().entrySet().stream()
        .max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    assertThat(c.value()).isEqualTo(best);
    double expectation = c.probabilityOf("2") + 2 * c.probabilityOf("3");
    assertThat(cm.scores().get("lager_wo")).isCloseTo(expectation, within(1e-12));
    assertThat(cm.prompt()).contains("### Options:\n- 1: a fact\n- 2: an opinion\n- 3: a refusal");

    LagerAnswerMetadata ym = meta(r).answer("true");
    assertThat(ym.valid()).isTrue();
    // yes = 1, no = 0: LAGER's expected score is the probability of yes
    assertThat(r.yesNo("true").probability()).isCloseTo(ym.scores().get("lager_wo"),
        within(1e-12));
    assertThat(ym.prompt()).contains("Answer 2, or 1.");
  }

  @Test
  void aJudgeThatWritesNoLabelGetsARefusalNeverAMadeUpAnswer() {
    try (LagerDecisionModel llama = LagerDecisionModel.builder()
        .modelDirectory(fixture("tiny-llama")).device(ProviderOptions.Device.CPU).build()) {
      DecisionResponse r = llama.decide(DecisionRequest.builder()
          .input("Q: What is 2+2? A: 4")
          .question("q", ScaleQuestion.from("How good?", ONE_TO_FIVE)).build());
      assertThat(r.answers().get("q")).isInstanceOf(RefusalAnswer.class);
      assertThat(r.isRefused("q")).isTrue();
      LagerAnswerMetadata m = meta(r).answer("q");
      assertThat(m.valid()).isFalse();
      assertThat(m.scores()).isEmpty();
      assertThat(m.generatedText()).isNotEmpty().doesNotContain("1", "2", "3", "4", "5");
    }
  }

  @Test
  void messagesInputIsRefused() {
    assertThatThrownBy(() -> model.decide(DecisionRequest.builder()
        .inputMessages(UserMessage.from("hi")).question("q", quality()).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("a MESSAGES input is not supported by LagerDecisionModel");
  }

  @Test
  void concurrentAsyncRequestsShareBatchesAndMatchTheirAnswersAlone() throws Exception {
    List<String> inputs = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      inputs.add("Q: What is " + i + " + " + (i % 5) + "?\nA: " + (i + i % 5 + i % 3) + ".");
    }
    Map<String, DecisionResponse> alone = new LinkedHashMap<>();
    for (String in : inputs) {
      alone.put(in, model.decide(request(in)));
    }
    ExecutorService callers = Executors.newFixedThreadPool(16);
    try {
      List<CompletableFuture<DecisionResponse>> futures = new ArrayList<>();
      for (String in : inputs) {
        futures.add(CompletableFuture.supplyAsync(() -> model.decideAsync(request(in)), callers)
            .thenCompose(f -> f));
      }
      for (int i = 0; i < inputs.size(); i++) {
        DecisionResponse together = futures.get(i).get(120, TimeUnit.SECONDS);
        DecisionResponse single = alone.get(inputs.get(i));
        assertThat(meta(together).answer("quality").valid())
            .isEqualTo(meta(single).answer("quality").valid());
        if (!meta(single).answer("quality").valid()) {
          continue;
        }
        assertThat(together.scale("quality").mean()).as("input %d, within %s", i, ACROSS_BATCHES)
            .isCloseTo(single.scale("quality").mean(), within(ACROSS_BATCHES));
        assertThat(meta(together).answer("quality").prompt())
            .isEqualTo(meta(single).answer("quality").prompt());
      }
    } finally {
      callers.shutdownNow();
    }
  }

  static DecisionRequest request(String input) {
    return DecisionRequest.builder().input(input).question("quality", quality())
        .question("grounded", YesNoQuestion.from("Is the answer grounded?")).build();
  }
}
