package io.github.lager.core.math;

import java.util.Arrays;
import java.util.Objects;

/**
 * A {@link LabelSet} bound to a judge's tokenizer: each label's token id in the vocabulary, in the
 * labels' order. A generated token is a score token when it is one of these ids. Made where the
 * tokenizer is known ({@code ModelDirectory.labelTokens} in lager-hf looks the labels up); no two
 * labels share a token.
 *
 * <p>Immutable; arrays are copied in and out.
 */
public final class LabelTokens {
  private final LabelSet labelSet;
  private final int[] tokenIds;

  private LabelTokens(LabelSet labelSet, int[] tokenIds) {
    this.labelSet = Objects.requireNonNull(labelSet, "labelSet");
    if (tokenIds.length != labelSet.size()) {
      throw new IllegalArgumentException("label set " + labelSet.labels() + " needs "
          + labelSet.size() + " token ids, got " + tokenIds.length);
    }
    for (int i = 0; i < tokenIds.length; i++) {
      for (int j = 0; j < i; j++) {
        if (tokenIds[i] == tokenIds[j]) {
          throw new IllegalArgumentException("labels \"" + labelSet.label(j) + "\" and \""
              + labelSet.label(i) + "\" share token id " + tokenIds[i]
              + "; each label must be its own token");
        }
      }
    }
    this.tokenIds = tokenIds;
  }

  /** {@code labelSet} with its labels' token ids (copied): {@code tokenIds[k]} is label k's. */
  public static LabelTokens of(LabelSet labelSet, int[] tokenIds) {
    Objects.requireNonNull(tokenIds, "tokenIds");
    return new LabelTokens(labelSet, tokenIds.clone());
  }

  /** The paper's labels 1..K with token ids: {@code tokenIds[k]} is the token of label k+1. */
  public static LabelTokens oneToK(int... tokenIds) {
    return of(LabelSet.of(tokenIds.length), tokenIds);
  }

  /** The labels and their values. */
  public LabelSet labelSet() {
    return labelSet;
  }

  /** K, the number of labels. */
  public int size() {
    return tokenIds.length;
  }

  /** Token ids of the labels, in order. */
  public int[] tokenIds() {
    return tokenIds.clone();
  }

  /** Index {@code k} with {@code tokenIds[k] == tokenId}, or -1 when it is not a label token. */
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
    return o instanceof LabelTokens t && t.labelSet.equals(labelSet)
        && Arrays.equals(t.tokenIds, tokenIds);
  }

  @Override
  public int hashCode() {
    return 31 * labelSet.hashCode() + Arrays.hashCode(tokenIds);
  }

  @Override
  public String toString() {
    return "LabelTokens[" + labelSet.describe() + ", tokens " + Arrays.toString(tokenIds) + "]";
  }
}
