package io.github.lager.core.pipeline;

import io.github.lager.core.math.Projection;
import java.util.Objects;

/**
 * Settings of a scoring run.
 *
 * @param condition direct or reasoning
 * @param maxNewTokens greedy decoding length (10 direct, 256 reasoning, as the paper)
 * @param batchSize prompts per forward pass; batches are formed from length-sorted prompts and
 *     padded only to their own longest prompt
 * @param maxLength prompts longer than this many tokens after the chat template are dropped and
 *     counted, as the reference drops them (2048)
 * @param lens how intermediate entries are projected ({@link Projection.Lens#RAW}, as the
 *     reference)
 * @param failFast stop at the first failing sample instead of reporting it and going on
 * @param pairwise judge every sample twice, with its responses in the order (A, B) and swapped
 *     (B, A) ({@link io.github.lager.core.io.JudgeSample#swapped()})
 */
public record PipelineOptions(Condition condition, int maxNewTokens, int batchSize, int maxLength,
    Projection.Lens lens, boolean failFast, boolean pairwise) {
  public PipelineOptions {
    Objects.requireNonNull(condition, "condition");
    Objects.requireNonNull(lens, "lens");
    if (maxNewTokens < 1 || batchSize < 1 || maxLength < 1) {
      throw new IllegalArgumentException("maxNewTokens, batchSize and maxLength must be >= 1, got "
          + maxNewTokens + ", " + batchSize + ", " + maxLength);
    }
  }

  /** The reference's settings for a condition: batch 4, max length 2048, raw lens. */
  public static PipelineOptions of(Condition condition) {
    return new PipelineOptions(condition, condition.defaultMaxNewTokens(), 4, 2048,
        Projection.Lens.RAW, false, false);
  }

  /** Settings without pairwise judging. */
  public PipelineOptions(Condition condition, int maxNewTokens, int batchSize, int maxLength,
      Projection.Lens lens, boolean failFast) {
    this(condition, maxNewTokens, batchSize, maxLength, lens, failFast, false);
  }

  public PipelineOptions withBatchSize(int n) {
    return new PipelineOptions(condition, maxNewTokens, n, maxLength, lens, failFast, pairwise);
  }

  public PipelineOptions withMaxNewTokens(int n) {
    return new PipelineOptions(condition, n, batchSize, maxLength, lens, failFast, pairwise);
  }

  public PipelineOptions withMaxLength(int n) {
    return new PipelineOptions(condition, maxNewTokens, batchSize, n, lens, failFast, pairwise);
  }

  public PipelineOptions withLens(Projection.Lens l) {
    return new PipelineOptions(condition, maxNewTokens, batchSize, maxLength, l, failFast, pairwise);
  }

  public PipelineOptions withFailFast(boolean b) {
    return new PipelineOptions(condition, maxNewTokens, batchSize, maxLength, lens, b, pairwise);
  }

  public PipelineOptions withPairwise(boolean b) {
    return new PipelineOptions(condition, maxNewTokens, batchSize, maxLength, lens, failFast, b);
  }
}
