package io.github.lager.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.lager.core.math.LabelTokens;
import org.junit.jupiter.api.Test;

class ScorePositionOutputTest {
  @Test
  void lastScoreStepScansBackwards() {
    LabelTokens labelTokens = LabelTokens.oneToK(19, 20, 21, 22, 23);
    assertThat(ScorePositionOutput.lastScoreStep(new int[] {1476, 22, 249, 21, 249}, labelTokens))
        .hasValue(3);
    assertThat(ScorePositionOutput.lastScoreStep(new int[] {5, 6, 7}, labelTokens)).isEmpty();
  }
}
