package io.github.lager.core.spi;

import io.github.lager.core.math.LabelTokens;
import java.util.Arrays;
import java.util.Objects;

/**
 * How a provider decodes: greedy, up to {@code maxNewTokens} tokens, stopping a row at an
 * end-of-sequence token (finished rows are padded with {@code padTokenId} while the batch goes
 * on, as Hugging Face {@code generate()} does).
 *
 * @param maxNewTokens 10 in the paper's direct condition, 256 in the reasoning condition
 * @param labelTokens the label set with its token ids: a generated label token is a score token
 * @param eosTokenIds tokens that end a row
 * @param padTokenId the token that fills finished rows and left-pads prompts
 * @param stopAtFirstScore end a row at its first score token, so that a judge that prints its
 *     score first costs one or two steps; a deviation from the reference (whose score position is
 *     the <em>last</em> score token within {@code maxNewTokens}), off by default; with an anchor
 *     rule, a row ends at its score position
 * @param scorePosition which label token is the score position: the last one (the reference's
 *     rule, {@link ScorePositionRule#LAST_LABEL_TOKEN}) or the first after an anchor text
 */
public record GenerationOptions(int maxNewTokens, LabelTokens labelTokens, int[] eosTokenIds,
    int padTokenId, boolean stopAtFirstScore, ScorePositionRule scorePosition) {
  public GenerationOptions {
    if (maxNewTokens < 1) {
      throw new IllegalArgumentException("maxNewTokens must be >= 1, got " + maxNewTokens);
    }
    Objects.requireNonNull(labelTokens, "labelTokens");
    Objects.requireNonNull(scorePosition, "scorePosition");
    eosTokenIds = eosTokenIds.clone();
  }

  /** The reference's decoding: the score position is the last score token. */
  public GenerationOptions(int maxNewTokens, LabelTokens labelTokens, int[] eosTokenIds,
      int padTokenId) {
    this(maxNewTokens, labelTokens, eosTokenIds, padTokenId, false);
  }

  /** The reference's score position (the last score token), optionally stopping at the first. */
  public GenerationOptions(int maxNewTokens, LabelTokens labelTokens, int[] eosTokenIds,
      int padTokenId, boolean stopAtFirstScore) {
    this(maxNewTokens, labelTokens, eosTokenIds, padTokenId, stopAtFirstScore,
        ScorePositionRule.LAST_LABEL_TOKEN);
  }

  public GenerationOptions withMaxNewTokens(int n) {
    return new GenerationOptions(n, labelTokens, eosTokenIds, padTokenId, stopAtFirstScore,
        scorePosition);
  }

  public GenerationOptions withStopAtFirstScore(boolean stop) {
    return new GenerationOptions(maxNewTokens, labelTokens, eosTokenIds, padTokenId, stop,
        scorePosition);
  }

  @Override
  public int[] eosTokenIds() {
    return eosTokenIds.clone();
  }

  /** Whether {@code tokenId} ends a row. */
  public boolean isEos(int tokenId) {
    for (int id : eosTokenIds) {
      if (id == tokenId) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GenerationOptions g && g.maxNewTokens == maxNewTokens
        && g.labelTokens.equals(labelTokens) && Arrays.equals(g.eosTokenIds, eosTokenIds)
        && g.padTokenId == padTokenId && g.stopAtFirstScore == stopAtFirstScore
        && g.scorePosition.equals(scorePosition);
  }

  @Override
  public int hashCode() {
    return Objects.hash(maxNewTokens, labelTokens, Arrays.hashCode(eosTokenIds), padTokenId,
        stopAtFirstScore, scorePosition);
  }

  @Override
  public String toString() {
    return "GenerationOptions[maxNewTokens=" + maxNewTokens + ", " + labelTokens + ", eos="
        + Arrays.toString(eosTokenIds) + ", pad=" + padTokenId
        + (stopAtFirstScore ? ", stop at first score" : "") + ", score position: "
        + scorePosition + "]";
  }
}
