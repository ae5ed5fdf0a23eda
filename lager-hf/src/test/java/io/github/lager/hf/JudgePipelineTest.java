package io.github.lager.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.lager.core.LagerException;
import io.github.lager.core.TestData;
import io.github.lager.core.io.HumanScore;
import io.github.lager.core.io.JudgeSample;
import io.github.lager.core.io.ScoredSample;
import io.github.lager.core.math.HiddenStates;
import io.github.lager.core.math.LabelTokens;
import io.github.lager.core.math.ScoreHead;
import io.github.lager.core.pipeline.BatchPlan;
import io.github.lager.core.pipeline.ChatTokenizer;
import io.github.lager.core.pipeline.Condition;
import io.github.lager.core.pipeline.JudgePipeline;
import io.github.lager.core.pipeline.PipelineOptions;
import io.github.lager.core.pipeline.PositionLimit;
import io.github.lager.core.pipeline.PromptTemplate;
import io.github.lager.core.pipeline.ScoringSummary;
import io.github.lager.core.spi.GenerationOptions;
import io.github.lager.core.spi.HiddenStateProvider;
import io.github.lager.core.spi.ScorePositionOutput;
import io.github.lager.hf.checkpoint.Checkpoint;
import io.github.lager.hf.model.ModelDirectory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The pipeline around a provider that replays the reference's golden traces (tiny-llama): prompts
 * are "encoded" to their golden ids, the provider returns the golden generation and hidden
 * states, and the pipeline must produce the golden per-layer logits and scores, in input order,
 * whatever the batching.
 */
class JudgePipelineTest {
  static final String MODEL = "tiny-llama";

  /** Golden prompt -> ids; ids -> golden output. */
  static class Replay implements HiddenStateProvider, ChatTokenizer {
    final Map<String, int[]> idsByPrompt = new HashMap<>();
    final Map<String, ScorePositionOutput> byIds = new HashMap<>();
    final List<Integer> batchSizes = new ArrayList<>();
    final List<Integer> longestPerBatch = new ArrayList<>();

    Replay(JsonObject golden) {
      var batch1 = golden.getAsJsonArray("batch1");
      var traces = golden.getAsJsonArray("traces");
      for (int i = 0; i < traces.size(); i++) {
        JsonObject t = traces.get(i).getAsJsonObject();
        int[] ids = t.getAsJsonArray("input_ids").asList().stream().mapToInt(JsonElement::getAsInt).toArray();
        int[] gen = t.getAsJsonArray("generated").asList().stream().mapToInt(JsonElement::getAsInt).toArray();
        idsByPrompt.put(batch1.get(i).getAsJsonObject().get("prompt").getAsString(), ids);
        byIds.put(Arrays.toString(ids), t.has("hidden_at_score") && !t.get("hidden_at_score").isJsonNull()
            ? new ScorePositionOutput.Found(gen, t.get("score_step").getAsInt(),
                HiddenStates.of(TestData.matrix(t.getAsJsonArray("hidden_at_score"))))
            : new ScorePositionOutput.NoScoreToken(gen));
      }
    }

    @Override
    public String render(String userPrompt) {
      return userPrompt;
    }

    @Override
    public int[] tokenize(String text) {
      int[] ids = idsByPrompt.get(text);
      if (ids == null) {
        throw new LagerException("cannot render the chat template: unknown prompt");
      }
      return ids;
    }

    @Override
    public int numHiddenLayers() {
      return 5;
    }

    @Override
    public int hiddenSize() {
      return 64;
    }

    @Override
    public List<ScorePositionOutput> generate(List<int[]> promptIds, GenerationOptions options) {
      batchSizes.add(promptIds.size());
      longestPerBatch.add(promptIds.stream().mapToInt(p -> p.length).max().orElse(0));
      return promptIds.stream().map(ids -> byIds.get(Arrays.toString(ids))).toList();
    }

    @Override
    public void close() {}
  }

  static ScoreHead head(JsonObject golden) {
    int[] ids = golden.getAsJsonArray("score_token_ids").asList().stream().mapToInt(JsonElement::getAsInt).toArray();
    try (Checkpoint c = Checkpoint.open(TestData.fixture(MODEL))) {
      return ScoreHead.of(5, 64, c.readRows("lm_head.weight", ids));
    }
  }

  static List<JudgeSample> samples(JsonObject golden) {
    List<JudgeSample> out = new ArrayList<>();
    for (JsonElement e : golden.getAsJsonArray("batch1")) {
      JsonObject b = e.getAsJsonObject();
      out.add(new JudgeSample(b.get("idx").getAsLong(), b.get("prompt").getAsString(),
          Optional.empty(), Optional.of(HumanScore.of(3))));
    }
    return out;
  }

  static GenerationOptions generation(JsonObject golden) {
    int[] ids = golden.getAsJsonArray("score_token_ids").asList().stream().mapToInt(JsonElement::getAsInt).toArray();
    return new GenerationOptions(10, LabelTokens.oneToK(ids), new int[] {2}, 0);
  }

  @Test
  void reproducesTheGoldenScores() {
    JsonObject golden = TestData.golden(MODEL);
    Replay replay = new Replay(golden);
    List<ScoredSample> out = new ArrayList<>();
    ScoringSummary summary = new JudgePipeline(replay, replay, head(golden), generation(golden),
        PipelineOptions.of(Condition.DIRECT).withBatchSize(3)).run(samples(golden), out::add,
            (done, total, tokens) -> { });
    assertThat(out).extracting(ScoredSample::idx).containsExactlyInAnyOrderElementsOf(
        samples(golden).stream().map(JudgeSample::idx).toList());
    assertThat(summary.scored()).isEqualTo(23);
    assertThat(summary.noScoreToken()).isEqualTo(1);
    assertThat(summary.failed()).isZero();
    assertThat(replay.batchSizes).containsExactly(3, 3, 3, 3, 3, 3, 3, 3);
    // length-sorted batches: each batch is padded to its own longest prompt
    assertThat(summary.paddingFraction()).isLessThan(0.05);
    for (JsonElement e : golden.getAsJsonArray("batch1")) {
      JsonObject b = e.getAsJsonObject();
      ScoredSample s = out.stream().filter(x -> x.idx() == b.get("idx").getAsLong()).findFirst().orElseThrow();
      assertThat(s.isValid()).isEqualTo(b.get("valid").getAsBoolean());
      if (s.isValid()) {
        assertThat(s.directScore()).isEqualTo(b.get("direct_score").getAsDouble());
        assertThat(s.eScore()).isCloseTo(b.get("weighted_score").getAsDouble(), within(1e-5));
        assertThat(s.logits().get().row(5)[3])
            .isCloseTo(TestData.logits(b).row(5)[3], within(1e-4f * Math.max(1, Math.abs(TestData.logits(b).row(5)[3]))));
      } else {
        assertThat(s.eScore()).isEqualTo(-1);
        assertThat(s.generatedIds().orElseThrow()).hasSize(10);
      }
    }
  }

  @Test
  void overLongAndFailingSamplesAreReportedNotFatal() {
    JsonObject golden = TestData.golden(MODEL);
    Replay replay = new Replay(golden);
    List<JudgeSample> samples = new ArrayList<>(samples(golden).subList(0, 6));
    samples.add(new JudgeSample(99, "a prompt the encoder does not know", Optional.empty(), Optional.empty()));
    List<ScoredSample> out = new ArrayList<>();
    PipelineOptions options = PipelineOptions.of(Condition.DIRECT).withMaxLength(170);
    ScoringSummary s = new JudgePipeline(replay, replay, head(golden), generation(golden), options)
        .run(samples, out::add, (d, t, k) -> { });
    // golden prompt lengths of idx 0..5: 168, 172, 172, 172, 162, 179
    assertThat(s.tooLong()).isEqualTo(4);
    assertThat(s.failed()).isEqualTo(1);
    assertThat(out).extracting(ScoredSample::idx).containsExactlyInAnyOrder(0L, 4L);
    assertThat(s.problems()).anyMatch(p -> p.startsWith("idx 1: 172 tokens after the chat template,"
        + " over the maximum length 170"));
    assertThat(s.problems()).contains("idx 99: cannot render the chat template: unknown prompt");
    assertThatThrownBy(() -> new JudgePipeline(replay, replay, head(golden), generation(golden),
        options.withFailFast(true)).run(samples, x -> { }, (d, t, k) -> { }))
        .hasMessageStartingWith("idx 99: cannot render the chat template");
  }

  @Test
  void promptsOverTheModelsPositionsAreDroppedPerSampleWithTheReason() {
    JsonObject golden = TestData.golden(MODEL);
    Replay replay = new Replay(golden);
    List<JudgeSample> samples = new ArrayList<>(samples(golden).subList(0, 6));
    List<ScoredSample> out = new ArrayList<>();
    // a model of 180 positions: 10 new tokens leave 170 for the prompt
    PipelineOptions options = PipelineOptions.of(Condition.DIRECT);
    ScoringSummary s = new JudgePipeline(PromptTemplate.RENDERED, replay, replay, head(golden),
        generation(golden), options, new PositionLimit(180, "max_position_embeddings"))
        .run(samples, out::add, (d, t, k) -> { });
    // golden prompt lengths of idx 0..5: 168, 172, 172, 172, 162, 179
    assertThat(s.tooLong()).isEqualTo(4);
    assertThat(s.failed()).isZero();
    assertThat(out).extracting(ScoredSample::idx).containsExactlyInAnyOrder(0L, 4L);
    assertThat(s.problems()).contains("idx 5: 179 tokens after the chat template plus 10 new"
        + " tokens, over the model's 180 positions (max_position_embeddings; dropped: the model was"
        + " not trained on longer sequences)");
  }

  @Test
  void theModelsPositionLimitComesFromItsConfig() throws Exception {
    try (ModelDirectory qwen2 = ModelDirectory.open(TestData.fixture("tiny-qwen2"))) {
      assertThat(qwen2.config().positionLimit())
          .isEqualTo(new PositionLimit(4096, "max_position_embeddings"));
    }
    // tiny-llama: llama3 scaling, factor 8 of 1024 original positions, max_position_embeddings
    // 4096: transformers reads it up to max_position_embeddings
    try (ModelDirectory llama = ModelDirectory.open(TestData.fixture("tiny-llama"))) {
      assertThat(llama.config().positionLimit().positions()).isEqualTo(Math.max(4096,
          (int) Math.round(llama.config().rope().factor() * 1024)));
    }
    // Phi-3: longrope is read only within original_max_position_embeddings (the fixture has
    // plain rotary embeddings, so its max_position_embeddings is the limit)
    try (ModelDirectory phi3 = ModelDirectory.open(TestData.fixture("tiny-phi3"))) {
      int rope = phi3.config().maxPositions();
      assertThat(phi3.config().positionLimit().positions()).isEqualTo(rope > 0 ? rope : 4096);
    }
  }

  @Test
  void reasoningNeedsTheFeedbackPrompt() {
    JsonObject golden = TestData.golden(MODEL);
    Replay replay = new Replay(golden);
    ScoringSummary s = new JudgePipeline(replay, replay, head(golden), generation(golden),
        PipelineOptions.of(Condition.REASONING)).run(samples(golden).subList(0, 2), x -> { },
            (d, t, k) -> { });
    assertThat(s.failed()).isEqualTo(2);
    assertThat(s.problems().get(0))
        .isEqualTo("idx 0: no user_prompt_feedback, which the reasoning condition needs");
  }

  @Test
  void theBatchPlanDependsOnTheInputAloneAndResumeRunsOnlyWhatIsMissing() {
    JsonObject golden = TestData.golden(MODEL);
    Replay replay = new Replay(golden);
    JudgePipeline pipeline = new JudgePipeline(replay, replay, head(golden), generation(golden),
        PipelineOptions.of(Condition.DIRECT).withBatchSize(4));
    List<JudgeSample> samples = samples(golden);
    BatchPlan plan = pipeline.plan(samples);
    List<JudgeSample> reversed = new ArrayList<>(samples);
    java.util.Collections.reverse(reversed);
    // length-sorted over the whole input, ties broken by idx: the same batches in any input order
    assertThat(pipeline.plan(reversed).batches()).extracting(BatchPlan.Batch::idx)
        .containsExactlyElementsOf(plan.batches().stream().map(BatchPlan.Batch::idx).toList());
    assertThat(plan.batches()).hasSize(6);
    for (BatchPlan.Batch b : plan.batches()) {
      List<Integer> lengths = b.idx().stream().map(idx -> replay.tokenize(samples.stream()
          .filter(x -> x.idx() == idx).findFirst().orElseThrow().userPrompt().orElseThrow())
          .length).toList();
      assertThat(lengths).isSorted();
    }

    // batches 0 and 1 on disk, batch 2 torn (one sample of it written)
    java.util.Set<Long> onDisk = new java.util.HashSet<>();
    onDisk.addAll(plan.batches().get(0).idx());
    onDisk.addAll(plan.batches().get(1).idx());
    java.util.Set<Long> complete = new java.util.HashSet<>(onDisk);
    onDisk.add(plan.batches().get(2).idx().get(0));
    assertThat(plan.complete(onDisk)).isEqualTo(complete);
    assertThat(plan.missing(onDisk)).containsExactlyElementsOf(plan.batches().subList(2, 6));

    List<String> events = new ArrayList<>();
    replay.batchSizes.clear();
    ScoringSummary s = pipeline.run(plan, complete,
        batch -> events.add("sink " + batch.stream().map(ScoredSample::idx).toList()),
        (done, total, tokens) -> events.add("progress " + done + "/" + total));
    assertThat(replay.batchSizes).containsExactly(4, 4, 4, 4);
    assertThat(s.kept()).isEqualTo(8);
    assertThat(s.scored() + s.noScoreToken()).isEqualTo(16);
    // each batch reaches the sink before the progress counts it
    List<String> expected = new ArrayList<>();
    for (int b = 2; b < 6; b++) {
      expected.add("sink " + plan.batches().get(b).idx());
      expected.add("progress " + (b - 1) * 4 + "/16");
    }
    assertThat(events).containsExactlyElementsOf(expected);
  }

  @Test
  void aFailingBatchShrinksTheProgressTotalAndIsReported() {
    JsonObject golden = TestData.golden(MODEL);
    Replay replay = new Replay(golden) {
      @Override
      public List<ScorePositionOutput> generate(List<int[]> promptIds, GenerationOptions options) {
        if (batchSizes.size() == 1) {
          batchSizes.add(-1);
          throw new IllegalStateException("out of memory");
        }
        return super.generate(promptIds, options);
      }
    };
    List<String> progress = new ArrayList<>();
    List<ScoredSample> out = new ArrayList<>();
    ScoringSummary s = new JudgePipeline(replay, replay, head(golden), generation(golden),
        PipelineOptions.of(Condition.DIRECT).withBatchSize(8)).run(samples(golden), out::add,
            (done, total, tokens) -> progress.add(done + "/" + total));
    assertThat(progress).containsExactly("8/24", "8/16", "16/16");
    assertThat(s.failed()).isEqualTo(8);
    assertThat(out).hasSize(16);
    assertThat(s.problems()).filteredOn(p -> p.contains("the backend failed: out of memory"))
        .hasSize(8);
  }
}
