package io.github.lager.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.langchain4j.model.decision.request.DecisionRequest;
import dev.langchain4j.model.decision.response.DecisionResponse;
import io.github.lager.core.io.JudgeSample;
import io.github.lager.core.io.ScoredSample;
import io.github.lager.core.math.LabelTokens;
import io.github.lager.core.spi.GenerationOptions;
import io.github.lager.core.spi.ScorePositionOutput;
import io.github.lager.hf.Judge;
import io.github.lager.hf.JudgeOptions;
import io.github.lager.hf.JudgePromptBuilder;
import io.github.lager.hf.backend.ProviderOptions;
import io.github.lager.testkit.GoldenFixture;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The final layer's probability mass on the labels (issue 19's validity signal), checked against
 * the softmax over the whole vocabulary of the final hidden state times the checkpoint's LM head,
 * computed here in double precision.
 */
class FinalLabelMassTest {
  /** float32 hidden states and logits vs a double-precision softmax over the vocabulary. */
  static final double TOLERANCE = 1e-4;

  @Test
  void theMassIsTheFullVocabularySoftmaxOfTheFinalLayerSummedOverTheLabels() {
    GoldenFixture f = GoldenFixture.load("tiny-qwen2");
    float[] head = f.lmHead();
    JudgeOptions options = JudgeOptions.builder().device(ProviderOptions.Device.CPU).build();
    JudgeSample sample = new JudgeSample(0, LagerDecisionModelTest.INPUT + "\n\nScore 1-5:",
        Optional.empty(), Optional.empty());
    try (Judge judge = Judge.open(f.dir(), options);
        JudgePromptBuilder prompts = JudgePromptBuilder.open(f.dir(), options)) {
      ScoredSample s = LagerDecisionModelTest.scoreAlone(judge, sample);
      assertThat(s.isValid()).isTrue();
      double mass = s.finalLabelMass().orElseThrow();

      // Independently: the provider's final hidden state at the score step, times the LM head.
      LabelTokens labelTokens = judge.labelTokens();
      int[] ids = prompts.encode(sample).orders().get(0).ids();
      GenerationOptions generation = new GenerationOptions(options.pipeline().maxNewTokens(),
          labelTokens, judge.model().eosTokenIds(), judge.model().padTokenId());
      ScorePositionOutput.Found found = (ScorePositionOutput.Found) judge.provider()
          .generate(List.of(ids), generation).get(0);
      assertThat(found.scoreStep()).isEqualTo(s.scoreStep().orElseThrow());
      float[] last = found.hiddenStates().row(found.hiddenStates().entries() - 1);
      int hidden = last.length;
      int vocab = head.length / hidden;
      double[] logits = new double[vocab];
      double max = Double.NEGATIVE_INFINITY;
      for (int v = 0; v < vocab; v++) {
        double dot = 0;
        for (int d = 0; d < hidden; d++) {
          dot += (double) last[d] * head[v * hidden + d];
        }
        logits[v] = dot;
        max = Math.max(max, dot);
      }
      double z = 0;
      for (double l : logits) {
        z += Math.exp(l - max);
      }
      double expected = 0;
      for (int id : labelTokens.tokenIds()) {
        expected += Math.exp(logits[id] - max) / z;
      }
      assertThat(expected).as("a real probability mass").isBetween(0.0, 1.0);
      assertThat(mass).as("final-layer label mass vs the full softmax, within %s", TOLERANCE)
          .isCloseTo(expected, within(TOLERANCE));
    }
  }

  @Test
  void theAdapterPutsTheMassInEachAnswersMetadata() {
    try (LagerDecisionModel model = LagerDecisionModel.builder()
        .modelDirectory(LagerDecisionModelTest.fixture("tiny-qwen2"))
        .device(ProviderOptions.Device.CPU).yesNoLabels("2", "1").build()) {
      DecisionResponse r = model.decide(DecisionRequest.builder()
          .input(LagerDecisionModelTest.INPUT)
          .question("quality", LagerDecisionModelTest.quality()).build());
      LagerAnswerMetadata m = LagerDecisionModelTest.meta(r).answer("quality");
      assertThat(m.valid()).isTrue();
      assertThat(m.finalLabelMass()).isPresent();
      assertThat(m.finalLabelMass().getAsDouble()).isGreaterThan(0).isLessThanOrEqualTo(1 + 1e-6);
    }
  }
}
