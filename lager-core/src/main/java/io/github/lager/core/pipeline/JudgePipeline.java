package io.github.lager.core.pipeline;

import io.github.lager.core.LagerException;
import io.github.lager.core.io.JudgeSample;
import io.github.lager.core.io.ScoredSample;
import io.github.lager.core.math.LayerLogits;
import io.github.lager.core.math.Projection;
import io.github.lager.core.math.ScoreHead;
import io.github.lager.core.spi.GenerationOptions;
import io.github.lager.core.spi.HiddenStateProvider;
import io.github.lager.core.spi.ScorePositionOutput;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The judge pipeline (docs/method.md section 1): each sample becomes its judge prompt (rendered
 * already, or from its fields by a {@link PromptTemplate}), which goes through the chat template
 * and the tokenizer ({@link ChatTokenizer}); with pairwise judging the sample is also prompted
 * with its responses swapped; prompts over the maximum length are dropped and counted; the rest run through the backend ({@link HiddenStateProvider}) in the batches of a
 * {@link BatchPlan} (length-sorted over the whole input); the hidden states at the score position
 * are projected on the score head and every score is computed ({@link ScoredSample#fromLogits}).
 *
 * <p>A sample that fails (no prompt for the condition, a template error, non-finite logits, a
 * backend error) is reported in the summary and the run goes on, unless
 * {@link PipelineOptions#failFast()}. A sample without a score token is written as invalid: it is
 * never given a score.
 *
 * <p>Each batch's results reach the {@link BatchSink} as soon as the batch is scored, and progress
 * is reported only after the sink returns: a sink that writes durably makes the progress count
 * samples on disk.
 */
public final class JudgePipeline {
  /** Called after every batch, once its results are with the sink. */
  public interface Progress {
    /**
     * @param samplesDone samples this run handed to the sink so far
     * @param samplesTotal samples this run will hand over (shrinks when samples fail)
     * @param promptTokens prompt tokens run so far
     */
    void update(int samplesDone, int samplesTotal, long promptTokens);
  }

  /** Receives the scored samples of one batch (in batch order; failed samples left out). */
  public interface BatchSink {
    void accept(List<ScoredSample> batch);
  }

  private final PromptBuilder encoder;
  private final HiddenStateProvider provider;
  private final ScoreHead head;
  private final GenerationOptions generation;
  private final PipelineOptions options;
  private final PositionLimit positionLimit;

  /**
   * A pipeline over rendered prompts ({@link PromptTemplate#RENDERED}).
   *
   * @param generation the label set with token ids, EOS and pad ids, the score-position rule; its
   *     maxNewTokens is replaced by the options'
   */
  public JudgePipeline(ChatTokenizer encoder, HiddenStateProvider provider, ScoreHead head,
      GenerationOptions generation, PipelineOptions options) {
    this(PromptTemplate.RENDERED, encoder, provider, head, generation, options);
  }

  /**
   * @param template what turns a sample into its judge prompt
   * @param encoder the chat template and the tokenizer
   * @param generation the label set with token ids, EOS and pad ids, the score-position rule; its
   *     maxNewTokens is replaced by the options'
   */
  public JudgePipeline(PromptTemplate template, ChatTokenizer encoder,
      HiddenStateProvider provider, ScoreHead head, GenerationOptions generation,
      PipelineOptions options) {
    this(template, encoder, provider, head, generation, options, PositionLimit.NONE);
  }

  /**
   * @param positionLimit the model's positions: a prompt whose tokens plus the new tokens exceed
   *     them is dropped per sample, with the reason ({@link #plan})
   */
  public JudgePipeline(PromptTemplate template, ChatTokenizer encoder,
      HiddenStateProvider provider, ScoreHead head, GenerationOptions generation,
      PipelineOptions options, PositionLimit positionLimit) {
    this.positionLimit = Objects.requireNonNull(positionLimit, "positionLimit");
    this.options = Objects.requireNonNull(options, "options");
    this.encoder = new PromptBuilder(template, encoder, options.condition(), options.pairwise());
    this.provider = Objects.requireNonNull(provider, "provider");
    this.head = Objects.requireNonNull(head, "head");
    this.generation = generation.withMaxNewTokens(options.maxNewTokens());
    if (head.points() != generation.labelTokens().size()) {
      throw new IllegalArgumentException("score head has " + head.points()
          + " rows, the label set " + generation.labelTokens().size() + " labels");
    }
    if (head.hiddenSize() != provider.hiddenSize()) {
      throw new IllegalArgumentException("hidden size mismatch: model has "
          + provider.hiddenSize() + ", score head has " + head.hiddenSize());
    }
  }

  /** Scores {@code samples}, handing each result to {@code sink} (batch by batch). */
  public ScoringSummary run(List<JudgeSample> samples, Consumer<ScoredSample> sink,
      Progress progress) {
    return run(plan(samples), Set.of(), batch -> batch.forEach(sink), progress);
  }

  /**
   * Templates and tokenizes every sample and forms the batches: prompts over the maximum length,
   * or whose tokens and new tokens exceed the model's positions, are dropped and counted, samples that cannot be templated are reported (or, with
   * {@link PipelineOptions#failFast()}, fail the run).
   */
  public BatchPlan plan(List<JudgeSample> samples) {
    List<String> problems = new ArrayList<>();
    int tooLong = 0;
    int unusable = 0;
    List<PromptBuilder.Prompts> runnable = new ArrayList<>();
    for (JudgeSample s : samples) {
      try {
        PromptBuilder.Prompts e = encoder.encode(s);
        int longest = e.orders().stream().mapToInt(PromptBuilder.Prompt::length).max().orElse(0);
        if (longest > options.maxLength()) {
          tooLong++;
          problems.add("idx " + s.idx() + ": " + longest + " tokens after the chat template"
              + (e.orders().size() > 1 ? " (in one of its two orders)" : "") + ", over the"
              + " maximum length " + options.maxLength() + " (dropped, as the reference drops"
              + " it; raise --max-length to keep it)");
          continue;
        }
        if (!positionLimit.fits(longest, options.maxNewTokens())) {
          tooLong++;
          problems.add("idx " + s.idx() + ": " + longest + " tokens after the chat template"
              + (e.orders().size() > 1 ? " (in one of its two orders)" : "") + " plus "
              + options.maxNewTokens() + " new tokens, over the model's " + positionLimit.positions()
              + " positions (" + positionLimit.source() + "; dropped: the model was not trained"
              + " on longer sequences)");
          continue;
        }
        runnable.add(e);
      } catch (RuntimeException e) {
        unusable++;
        problems.add("idx " + s.idx() + ": " + e.getMessage());
        if (options.failFast()) {
          throw new LagerException("idx " + s.idx() + ": " + e.getMessage(), e);
        }
      }
    }
    return new BatchPlan(samples.size(), runnable, options.batchSize(), tooLong, unusable,
        problems);
  }

  /**
   * Runs the batches of {@code plan} that have a sample not in {@code onDisk} (those wholly on
   * disk were scored by an earlier run), handing each batch's results to {@code sink} and then
   * reporting progress.
   */
  public ScoringSummary run(BatchPlan plan, Set<Long> onDisk, BatchSink sink, Progress progress) {
    long start = System.nanoTime();
    List<String> problems = new ArrayList<>(plan.problems());
    List<BatchPlan.Batch> todo = plan.missing(onDisk);
    int kept = plan.runnable() - todo.stream().mapToInt(BatchPlan.Batch::size).sum();
    int total = todo.stream().mapToInt(BatchPlan.Batch::size).sum();
    int scored = 0;
    int invalid = 0;
    int failed = 0;
    long promptTokens = 0;
    long paddedTokens = 0;
    int done = 0;
    for (BatchPlan.Batch batch : todo) {
      List<PromptBuilder.Prompts> prompts = batch.prompts();
      int orders = prompts.get(0).orders().size();
      List<List<ScorePositionOutput>> outs = new ArrayList<>();
      try {
        for (int order = 0; order < orders; order++) {
          int o = order;
          List<int[]> ids = prompts.stream().map(e -> e.orders().get(o).ids()).toList();
          int longest = ids.stream().mapToInt(x -> x.length).max().orElse(0);
          for (int[] x : ids) {
            promptTokens += x.length;
            paddedTokens += longest;
          }
          outs.add(provider.generate(ids, generation));
        }
      } catch (RuntimeException e) {
        if (options.failFast()) {
          throw e;
        }
        for (PromptBuilder.Prompts enc : prompts) {
          failed++;
          problems.add("idx " + enc.sample().idx() + ": the backend failed: " + e.getMessage());
        }
        total -= prompts.size();
        progress.update(done, total, promptTokens);
        continue;
      }
      List<ScoredSample> results = new ArrayList<>();
      for (int i = 0; i < prompts.size(); i++) {
        PromptBuilder.Prompts enc = prompts.get(i);
        try {
          ScoredSample first = score(enc.sample(), enc.orders().get(0), outs.get(0).get(i));
          results.add(orders == 1 ? first : first.withSwapped(
              score(enc.sample(), enc.orders().get(1), outs.get(1).get(i))));
        } catch (RuntimeException e) {
          failed++;
          problems.add("idx " + enc.sample().idx() + ": " + e.getMessage());
          if (options.failFast()) {
            throw new LagerException("idx " + enc.sample().idx() + ": " + e.getMessage(), e);
          }
        }
      }
      if (!results.isEmpty()) {
        sink.accept(results);
      }
      for (ScoredSample r : results) {
        if (r.isValid()) {
          scored++;
        } else {
          invalid++;
        }
      }
      done += results.size();
      total -= prompts.size() - results.size();
      progress.update(done, total, promptTokens);
    }
    return new ScoringSummary(plan.samples(), scored, invalid, plan.tooLong(),
        plan.unusable() + failed, kept, problems, promptTokens, paddedTokens,
        (System.nanoTime() - start) / 1e9);
  }

  private ScoredSample score(JudgeSample s, PromptBuilder.Prompt prompt,
      ScorePositionOutput out) {
    if (out instanceof ScorePositionOutput.Found found) {
      LayerLogits z;
      try {
        z = Projection.project(found.hiddenStates(), head, options.lens());
      } catch (IllegalArgumentException e) {
        throw new LagerException("the score-token logits are not usable (" + e.getMessage()
            + "); with float16 this is usually an overflow: run in float32", e);
      }
      return ScoredSample.fromLogits(s.idx(), prompt.prompt(), s.humanScore().orElse(null), z,
          found.generatedIds(), found.scoreStep(), generation.labelTokens().labelSet())
          .withFinalLogSumExp(found.finalLogSumExp());
    }
    return ScoredSample.invalid(s.idx(), prompt.prompt(), s.humanScore().orElse(null),
        out.generatedIds(), generation.labelTokens().labelSet());
  }
}
