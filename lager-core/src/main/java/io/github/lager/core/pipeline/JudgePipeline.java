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
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The judge pipeline (docs/LAGER.md section 1): each judge prompt goes through the chat template
 * and the tokenizer ({@link PromptEncoder}); prompts over the maximum length are dropped and
 * counted; the rest run through the backend ({@link HiddenStateProvider}) in batches of
 * length-sorted prompts; the hidden states at the score position are projected on the score head
 * and every score is computed ({@link ScoredSample#fromLogits}).
 *
 * <p>A sample that fails (no prompt for the condition, a template error, non-finite logits, a
 * backend error) is reported in the summary and the run goes on, unless
 * {@link PipelineOptions#failFast()}. A sample without a score token is written as invalid: it is
 * never given a score.
 *
 * <p>Results reach {@code sink} chunk by chunk, in input order within each chunk, so a caller that
 * writes them as they come keeps what was scored if the run is interrupted.
 */
public final class JudgePipeline {
  /** Batches per chunk: results are sorted back to input order and emitted per chunk. */
  static final int BATCHES_PER_CHUNK = 16;

  /** Called after every batch. */
  public interface Progress {
    void update(int samplesDone, int samplesTotal, long promptTokens);
  }

  private final PromptEncoder encoder;
  private final HiddenStateProvider provider;
  private final ScoreHead head;
  private final GenerationOptions generation;
  private final PipelineOptions options;

  /**
   * @param generation the score scale with token ids, EOS and pad ids; its maxNewTokens is
   *     replaced by the options'
   */
  public JudgePipeline(PromptEncoder encoder, HiddenStateProvider provider, ScoreHead head,
      GenerationOptions generation, PipelineOptions options) {
    this.encoder = Objects.requireNonNull(encoder, "encoder");
    this.provider = Objects.requireNonNull(provider, "provider");
    this.head = Objects.requireNonNull(head, "head");
    this.options = Objects.requireNonNull(options, "options");
    this.generation = generation.withMaxNewTokens(options.maxNewTokens());
    if (head.points() != generation.scale().points()) {
      throw new IllegalArgumentException("score head has " + head.points()
          + " rows, the score scale " + generation.scale().points() + " values");
    }
    if (head.hiddenSize() != provider.hiddenSize()) {
      throw new IllegalArgumentException("hidden size mismatch: model has "
          + provider.hiddenSize() + ", score head has " + head.hiddenSize());
    }
  }

  /** A prompt ready to run; {@code position} is its index among the runnable prompts. */
  private record Encoded(int position, JudgeSample sample, String prompt, int[] ids) {}

  /** Scores {@code samples}, handing each result to {@code sink}. */
  public ScoringSummary run(List<JudgeSample> samples, Consumer<ScoredSample> sink,
      Progress progress) {
    long start = System.nanoTime();
    List<String> problems = new ArrayList<>();
    int tooLong = 0;
    int failed = 0;
    List<Encoded> runnable = new ArrayList<>();
    for (int i = 0; i < samples.size(); i++) {
      JudgeSample s = samples.get(i);
      try {
        String prompt = options.condition().prompt(s).orElseThrow(() -> new LagerException(
            "no user_prompt_feedback, which the reasoning condition needs"));
        int[] ids = encoder.tokenize(encoder.render(prompt));
        if (ids.length > options.maxLength()) {
          tooLong++;
          problems.add("idx " + s.idx() + ": " + ids.length + " tokens after the chat template,"
              + " over the maximum length " + options.maxLength() + " (dropped, as the reference"
              + " drops it; raise --max-length to keep it)");
          continue;
        }
        runnable.add(new Encoded(runnable.size(), s, prompt, ids));
      } catch (RuntimeException e) {
        failed++;
        problems.add("idx " + s.idx() + ": " + e.getMessage());
        if (options.failFast()) {
          throw new LagerException("idx " + s.idx() + ": " + e.getMessage(), e);
        }
      }
    }
    int scored = 0;
    int invalid = 0;
    long promptTokens = 0;
    long paddedTokens = 0;
    int done = 0;
    int chunkSize = options.batchSize() * BATCHES_PER_CHUNK;
    for (int c = 0; c < runnable.size(); c += chunkSize) {
      List<Encoded> chunk = runnable.subList(c, Math.min(runnable.size(), c + chunkSize));
      List<Encoded> byLength = new ArrayList<>(chunk);
      byLength.sort(Comparator.comparingInt(e -> e.ids().length));
      ScoredSample[] results = new ScoredSample[chunk.size()];
      for (int b = 0; b < byLength.size(); b += options.batchSize()) {
        List<Encoded> batch = byLength.subList(b, Math.min(byLength.size(), b + options.batchSize()));
        int longest = batch.get(batch.size() - 1).ids().length;
        for (Encoded e : batch) {
          promptTokens += e.ids().length;
          paddedTokens += longest;
        }
        List<ScorePositionOutput> outs;
        try {
          outs = provider.generate(batch.stream().map(Encoded::ids).toList(), generation);
        } catch (RuntimeException e) {
          if (options.failFast()) {
            throw e;
          }
          for (Encoded enc : batch) {
            failed++;
            problems.add("idx " + enc.sample().idx() + ": the backend failed: " + e.getMessage());
          }
          done += batch.size();
          progress.update(done, runnable.size(), promptTokens);
          continue;
        }
        for (int i = 0; i < batch.size(); i++) {
          Encoded enc = batch.get(i);
          try {
            ScoredSample r = score(enc, outs.get(i));
            results[enc.position() - c] = r;
            if (r.isValid()) {
              scored++;
            } else {
              invalid++;
            }
          } catch (RuntimeException e) {
            failed++;
            problems.add("idx " + enc.sample().idx() + ": " + e.getMessage());
            if (options.failFast()) {
              throw new LagerException("idx " + enc.sample().idx() + ": " + e.getMessage(), e);
            }
          }
        }
        done += batch.size();
        progress.update(done, runnable.size(), promptTokens);
      }
      for (ScoredSample r : results) {
        if (r != null) {
          sink.accept(r);
        }
      }
    }
    return new ScoringSummary(samples.size(), scored, invalid, tooLong, failed, problems,
        promptTokens, paddedTokens, (System.nanoTime() - start) / 1e9);
  }

  private ScoredSample score(Encoded enc, ScorePositionOutput out) {
    JudgeSample s = enc.sample();
    if (out instanceof ScorePositionOutput.Found found) {
      LayerLogits z;
      try {
        z = Projection.project(found.hiddenStates(), head, options.lens());
      } catch (IllegalArgumentException e) {
        throw new LagerException("the score-token logits are not usable (" + e.getMessage()
            + "); with float16 this is usually an overflow: run in float32", e);
      }
      return ScoredSample.fromLogits(s.idx(), enc.prompt(), s.humanScore().orElse(null), z,
          found.generatedIds(), found.scoreStep());
    }
    return ScoredSample.invalid(s.idx(), enc.prompt(), s.humanScore().orElse(null),
        out.generatedIds());
  }
}
