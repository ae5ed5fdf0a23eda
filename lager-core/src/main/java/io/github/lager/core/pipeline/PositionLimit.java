package io.github.lager.core.pipeline;

import java.util.Objects;

/**
 * The most positions (prompt tokens plus new tokens) a model reads: its
 * {@code max_position_embeddings}, or the limit of its rotary scaling. A prompt that would run
 * past it is dropped per sample, like a prompt over {@code --max-length}, with the reason; the
 * model would otherwise compute on positions it was never trained for and give a plausible,
 * meaningless score.
 *
 * @param positions the limit; {@link Integer#MAX_VALUE} when the model states none
 * @param source where it comes from, for messages ({@code "max_position_embeddings"})
 */
public record PositionLimit(int positions, String source) {
  /** No limit known. */
  public static final PositionLimit NONE = new PositionLimit(Integer.MAX_VALUE, "none");

  public PositionLimit {
    Objects.requireNonNull(source, "source");
    if (positions < 1) {
      throw new IllegalArgumentException("a position limit must be at least 1, got " + positions);
    }
  }

  /** Whether {@code promptTokens} plus {@code newTokens} fit. */
  public boolean fits(int promptTokens, int newTokens) {
    return (long) promptTokens + newTokens <= positions;
  }
}
