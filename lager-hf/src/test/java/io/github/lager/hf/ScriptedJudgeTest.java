package io.github.lager.hf;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.github.lager.core.TestData;
import io.github.lager.core.io.HumanScore;
import io.github.lager.core.io.JudgeSample;
import io.github.lager.core.io.ScoredSample;
import io.github.lager.core.math.LabelSet;
import io.github.lager.core.math.LabelSetSyntax;
import io.github.lager.core.math.PairwiseScore;
import io.github.lager.core.math.ScoreHead;
import io.github.lager.core.math.ScoreMethod;
import io.github.lager.core.pipeline.BatchPlan;
import io.github.lager.core.pipeline.Condition;
import io.github.lager.core.pipeline.JudgePipeline;
import io.github.lager.core.spi.BatchDecoding;
import io.github.lager.core.spi.GenerationOptions;
import io.github.lager.core.spi.HiddenStateProvider;
import io.github.lager.core.spi.ScorePositionOutput;
import io.github.lager.core.spi.ScorePositionRule;
import io.github.lager.hf.model.HfTokenizer;
import io.github.lager.hf.template.JinjaPromptTemplate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The judge pipeline on the tiny-qwen2 fixture's tokenizer and chat template with a scripted
 * backend, which "generates" chosen text (a random-weight model cannot be made to write "Score:
 * 4"): the anchor decides the score position on decoded tokens, and pairwise judging runs both
 * orders, maps the swapped labels back and keeps both orders of a sample in one batch.
 */
class ScriptedJudgeTest {
  static final int ENTRIES = 3;

  /**
   * Decodes greedily through {@link BatchDecoding} as the real backends do; the "argmax" of each
   * row is the next token of its script, and the hidden states at a step put all their weight on
   * the label generated there (so that the scores read the label the judge wrote).
   */
  static final class Scripted implements HiddenStateProvider {
    final Function<int[], int[]> script;
    final LabelSet labelSet;
    final List<Integer> batchSizes = new ArrayList<>();

    Scripted(Function<int[], int[]> script, LabelSet labelSet) {
      this.script = script;
      this.labelSet = labelSet;
    }

    @Override
    public int numHiddenLayers() {
      return ENTRIES - 1;
    }

    @Override
    public int hiddenSize() {
      return labelSet.size();
    }

    @Override
    public List<ScorePositionOutput> generate(List<int[]> prompts, GenerationOptions options) {
      batchSizes.add(prompts.size());
      int k = labelSet.size();
      BatchDecoding d = new BatchDecoding(prompts, options, ENTRIES, k);
      List<int[]> scripts = prompts.stream().map(script).toList();
      for (int step = 0; ; step++) {
        long[] next = new long[prompts.size()];
        float[] states = new float[ENTRIES * prompts.size() * k];
        for (int b = 0; b < next.length; b++) {
          int[] s = scripts.get(b);
          next[b] = step < s.length ? s[step] : options.eosTokenIds()[0];
          int label = options.labelTokens().indexOfToken((int) next[b]);
          for (int l = 0; l < ENTRIES; l++) {
            if (label >= 0) {
              states[(l * prompts.size() + b) * k + label] = 4;
            }
          }
        }
        if (!d.accept(next, () -> states)) {
          break;
        }
      }
      return d.outputs();
    }

    @Override
    public void close() {}
  }

  static ScoreHead identityHead(int k) {
    float[] rows = new float[k * k];
    for (int i = 0; i < k; i++) {
      rows[i * k + i] = 1;
    }
    return ScoreHead.of(k, k, rows);
  }

  static JudgeSample fields(long idx, String json, HumanScore human) {
    Map<String, JsonElement> f = new LinkedHashMap<>();
    JsonParser.parseString(json).getAsJsonObject().entrySet()
        .forEach(e -> f.put(e.getKey(), e.getValue()));
    return new JudgeSample(idx, Optional.empty(), Optional.empty(), Optional.ofNullable(human), f);
  }

  @Test
  void theAnchorReadsTheScoreAfterScoreNotTheDigitsOfTheFeedback() {
    JudgeOptions options = JudgeOptions.builder().template(JinjaPromptTemplate.builtIn("absolute"))
        .condition(Condition.REASONING).anchor("Score:").build();
    try (JudgePromptBuilder prompts =
        JudgePromptBuilder.open(TestData.fixture("tiny-qwen2"), options)) {
      HfTokenizer tok = prompts.model().tokenizer();
      int[] feedback = tok.encode("Feedback: 2 of the 3 steps are right.\nScore: 4\n(1 error)",
          false);
      Scripted backend = new Scripted(p -> feedback, prompts.labelSet());
      ScorePositionRule anchor = ScorePositionRule.firstLabelTokenAfter(
          options.anchor().orElseThrow(), ids -> tok.decode(ids, true));
      GenerationOptions generation = new GenerationOptions(64, prompts.labelTokens(),
          prompts.model().eosTokenIds(), prompts.model().padTokenId());
      JudgeSample s = fields(0, "{\"instruction\": \"Add 2 and 2.\", \"response\": \"4\","
          + " \"rubric\": \"Correct?\"}", HumanScore.of(5));
      List<ScoredSample> anchored = new ArrayList<>();
      new JudgePipeline(prompts.template(), prompts.encoder(), backend,
          identityHead(5), withScorePosition(generation, anchor), options.pipeline())
          .run(List.of(s), anchored::add, (a, b, c) -> { });
      List<ScoredSample> last = new ArrayList<>();
      new JudgePipeline(prompts.template(), prompts.encoder(), backend,
          identityHead(5), generation, options.pipeline())
          .run(List.of(s), last::add, (a, b, c) -> { });

      int[] generated = anchored.get(0).generatedIds().orElseThrow();
      int step = anchored.get(0).scoreStep().orElseThrow();
      assertThat(tok.decode(java.util.Arrays.copyOf(generated, step), true))
          .endsWith("Score: ");
      assertThat(tok.decode(new int[] {generated[step]}, true)).isEqualTo("4");
      assertThat(anchored.get(0).directScore()).isEqualTo(4);
      // without the anchor the last digit, the "1" after the score, is read as the score; with
      // stop-at-first-score the first digit of the feedback, the "2"
      assertThat(last.get(0).directScore()).isEqualTo(1);
      assertThat(last.get(0).scoreStep().orElseThrow()).isGreaterThan(step);
      List<ScoredSample> first = new ArrayList<>();
      new JudgePipeline(prompts.template(), prompts.encoder(), backend, identityHead(5),
          generation.withStopAtFirstScore(true), options.pipeline())
          .run(List.of(s), first::add, (a, b, c) -> { });
      assertThat(first.get(0).directScore()).isEqualTo(2);
      List<ScoredSample> anchoredStop = new ArrayList<>();
      new JudgePipeline(prompts.template(), prompts.encoder(), backend, identityHead(5),
          withScorePosition(generation, anchor).withStopAtFirstScore(true), options.pipeline())
          .run(List.of(s), anchoredStop::add, (a, b, c) -> { });
      assertThat(anchoredStop.get(0).directScore()).isEqualTo(4);
      assertThat(anchoredStop.get(0).generatedIds().orElseThrow()).hasSize(step + 1);
    }
  }

  @Test
  void pairwiseJudgingRunsBothOrdersInOneBatchAndMapsTheLabelsBack() {
    LabelSet mtBench = LabelSetSyntax.parse("A,B,C", "0,2,1");
    JudgeOptions options = JudgeOptions.builder().template(JinjaPromptTemplate.builtIn("pairwise"))
        .labelSet(mtBench).pairwise(true).batchSize(2).build();
    try (JudgePromptBuilder prompts =
        JudgePromptBuilder.open(TestData.fixture("tiny-qwen2"), options)) {
      HfTokenizer tok = prompts.model().tokenizer();
      int a = tok.vocabId("A").getAsInt();
      int b = tok.vocabId("B").getAsInt();
      // a judge with a position bias on idx 1 (always "A") and a fair one on idx 0, 2: it
      // prefers the response "right"
      Scripted backend = new Scripted(ids -> {
        String text = tok.decode(ids, true);
        if (text.contains("biased")) {
          return new int[] {a};
        }
        int first = text.indexOf("Assistant A's Answer:\nright");
        return new int[] {first >= 0 ? a : b};
      }, prompts.labelSet());
      List<JudgeSample> samples = List.of(
          fields(0, "{\"instruction\": \"Q0\", \"response_a\": \"right\", \"response_b\": \"wrong\"}",
              HumanScore.ofAnnotators(0, 0, 2)),
          fields(1, "{\"instruction\": \"Q1 biased\", \"response_a\": \"wrong\","
              + " \"response_b\": \"right\"}", HumanScore.ofAnnotators(2, 2)),
          fields(2, "{\"instruction\": \"Q2\", \"response_a\": \"wrong\", \"response_b\": \"right\"}",
              HumanScore.ofAnnotators(2, 1, 2)));
      JudgePipeline pipeline = new JudgePipeline(prompts.template(), prompts.encoder(), backend,
          identityHead(3), new GenerationOptions(4, prompts.labelTokens(),
              prompts.model().eosTokenIds(), prompts.model().padTokenId()), options.pipeline());
      BatchPlan plan = pipeline.plan(samples);
      assertThat(plan.batches()).hasSize(2);
      List<ScoredSample> out = new ArrayList<>();
      pipeline.run(plan, java.util.Set.of(), out::addAll, (x, y, z) -> { });
      // each batch runs its samples in the order (A, B), then (B, A)
      assertThat(backend.batchSizes).containsExactly(2, 2, 1, 1);
      out.sort(java.util.Comparator.comparingLong(ScoredSample::idx));
      Map<Long, PairwiseScore> direct = new LinkedHashMap<>();
      for (ScoredSample s : out) {
        assertThat(s.swapped()).isPresent();
        assertThat(s.swapped().get().prompt().orElseThrow())
            .contains("### Assistant A's Answer:\n" + (s.idx() == 0 ? "wrong" : "right"));
        direct.put(s.idx(), s.pairwiseScores(null).get(ScoreMethod.DIRECT_SCORE));
      }
      // idx 0: "A" then (swapped) "B", which is the original A: consistent, A better
      assertThat(direct.get(0L).outcome()).isEqualTo(PairwiseScore.Outcome.A_BETTER);
      assertThat(direct.get(0L).swapConsistent()).contains(true);
      assertThat(direct.get(0L).ab().a()).isGreaterThan(0.9);
      assertThat(direct.get(0L).ba().orElseThrow().a()).isGreaterThan(0.9);
      // idx 1: "A" in both orders: position bias, inconsistent, averaged to a tie
      assertThat(direct.get(1L).scoreAb()).isEqualTo(0);
      assertThat(direct.get(1L).scoreBa()).hasValue(2);
      assertThat(direct.get(1L).outcome()).isEqualTo(PairwiseScore.Outcome.TIE);
      assertThat(direct.get(1L).swapConsistent()).contains(false);
      // idx 2: B then (swapped) A: consistent, B better
      assertThat(direct.get(2L).outcome()).isEqualTo(PairwiseScore.Outcome.B_BETTER);
    }
  }

  private static GenerationOptions withScorePosition(GenerationOptions o,
      io.github.lager.core.spi.ScorePositionRule rule) {
    return new GenerationOptions(o.maxNewTokens(), o.labelTokens(), o.eosTokenIds(), o.padTokenId(),
        o.stopAtFirstScore(), rule);
  }
}
