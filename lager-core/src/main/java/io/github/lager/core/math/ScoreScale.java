package io.github.lager.core.math;

import java.util.Arrays;

/**
 * A judge's score scale: the values {@code 1..K} and, once a tokenizer is known, the token id of
 * each value's text ("1".."K"). The paper uses 1-5 (and 1-9 for transfer); any {@code K >= 2}
 * whose values are single tokens works.
 *
 * <p>Immutable; token ids are copied in and out.
 */
public final class ScoreScale {
  private final int points;
  private final int[] tokenIds;

  private ScoreScale(int points, int[] tokenIds) {
    if (points < 2) {
      throw new IllegalArgumentException("a score scale needs at least 2 points, got " + points);
    }
    if (tokenIds.length != 0 && tokenIds.length != points) {
      throw new IllegalArgumentException(
          "score scale 1.." + points + " needs " + points + " token ids, got " + tokenIds.length);
    }
    for (int i = 0; i < tokenIds.length; i++) {
      for (int j = 0; j < i; j++) {
        if (tokenIds[i] == tokenIds[j]) {
          throw new IllegalArgumentException(
              "score values " + (j + 1) + " and " + (i + 1) + " share token id " + tokenIds[i]);
        }
      }
    }
    this.points = points;
    this.tokenIds = tokenIds;
  }

  /** The scale {@code 1..points} with token ids not (yet) known. */
  public static ScoreScale of(int points) {
    return new ScoreScale(points, new int[0]);
  }

  /** The scale {@code 1..tokenIds.length}; {@code tokenIds[k]} is the token of value {@code k+1}. */
  public static ScoreScale ofTokenIds(int... tokenIds) {
    return new ScoreScale(tokenIds.length, tokenIds.clone());
  }

  /** K, the number of score values. */
  public int points() {
    return points;
  }

  /** The value of the k-th score token (0-based): {@code k + 1}. */
  public int value(int k) {
    return k + 1;
  }

  public boolean hasTokenIds() {
    return tokenIds.length == points;
  }

  /** Token ids of the values 1..K; fails when the scale was made without them. */
  public int[] tokenIds() {
    if (!hasTokenIds()) {
      throw new IllegalStateException("score scale 1.." + points + " has no token ids");
    }
    return tokenIds.clone();
  }

  /** Index {@code k} with {@code tokenIds[k] == tokenId}, or -1 when it is not a score token. */
  public int indexOfToken(int tokenId) {
    for (int k = 0; k < tokenIds.length; k++) {
      if (tokenIds[k] == tokenId) {
        return k;
      }
    }
    return -1;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ScoreScale s && s.points == points && Arrays.equals(s.tokenIds, tokenIds);
  }

  @Override
  public int hashCode() {
    return 31 * points + Arrays.hashCode(tokenIds);
  }

  @Override
  public String toString() {
    return "ScoreScale[1.." + points + (hasTokenIds() ? ", tokens " + Arrays.toString(tokenIds) : "")
        + "]";
  }
}
