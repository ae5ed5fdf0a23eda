package io.github.lager.core.spi;

import io.github.lager.core.math.HiddenStates;
import io.github.lager.core.math.LabelTokens;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * What a provider returns for one prompt: the generated ids and either the hidden states at the
 * score position ({@link Found}) or the fact that no score token was generated
 * ({@link NoScoreToken}; the sample is invalid and is never given a score).
 */
public sealed interface ScorePositionOutput {
  /** The greedy continuation, {@code maxNewTokens} long or shorter when a row ended. */
  int[] generatedIds();

  /**
   * The score step: the index of the <em>last</em> generated token that is a score token,
   * scanning backwards as the reference does; empty when there is none.
   */
  static OptionalInt lastScoreStep(int[] generatedIds, LabelTokens labelTokens) {
    for (int j = generatedIds.length - 1; j >= 0; j--) {
      if (labelTokens.indexOfToken(generatedIds[j]) >= 0) {
        return OptionalInt.of(j);
      }
    }
    return OptionalInt.empty();
  }

  /**
   * A score token was generated at {@code scoreStep}; {@code hiddenStates} are the model's L+1
   * hidden states at the last input position of that step.
   *
   * @param finalLogSumExp the log-sum-exp over the whole vocabulary of the final layer's logits
   *     (the final hidden state times the LM head, before any final logit softcapping) at that
   *     step: the log of the softmax's denominator, from which the probability mass the final
   *     layer put on the labels follows. {@code NaN} when the backend cannot tell (a contract-v1
   *     {@code model.onnx} has no such output).
   */
  record Found(int[] generatedIds, int scoreStep, HiddenStates hiddenStates,
      double finalLogSumExp) implements ScorePositionOutput {
    public Found {
      Objects.requireNonNull(hiddenStates, "hiddenStates");
      if (scoreStep < 0 || scoreStep >= generatedIds.length) {
        throw new IllegalArgumentException("score step " + scoreStep + " outside the "
            + generatedIds.length + " generated tokens");
      }
      if (Double.isInfinite(finalLogSumExp)) {
        throw new IllegalArgumentException("final log-sum-exp " + finalLogSumExp
            + " at score step " + scoreStep);
      }
      generatedIds = generatedIds.clone();
    }

    /** A found position whose final log-sum-exp is unknown. */
    public Found(int[] generatedIds, int scoreStep, HiddenStates hiddenStates) {
      this(generatedIds, scoreStep, hiddenStates, Double.NaN);
    }

    @Override
    public int[] generatedIds() {
      return generatedIds.clone();
    }
  }

  /** No score token among the generated ids. */
  record NoScoreToken(int[] generatedIds) implements ScorePositionOutput {
    public NoScoreToken {
      generatedIds = generatedIds.clone();
    }

    @Override
    public int[] generatedIds() {
      return generatedIds.clone();
    }
  }
}
