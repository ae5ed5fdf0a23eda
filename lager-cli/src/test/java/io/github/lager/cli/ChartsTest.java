package io.github.lager.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.lager.core.InvalidInputException;
import org.junit.jupiter.api.Test;

class ChartsTest {
  @Test
  void histogramBinsAreHalfOpenExceptTheLastWhichHoldsTheTopOfTheScale() {
    long[] idx = {10, 11, 12, 13, 14, 15};
    int[] counts = Charts.binCounts(5, idx, "human", new double[] {1.0, 1.49, 1.5, 4.5, 4.99, 5.0});
    assertThat(counts).containsExactly(2, 1, 0, 0, 0, 0, 0, 3);
    assertThat(Charts.binCounts(9, new long[] {1}, "x", new double[] {9})).hasSize(16)
        .endsWith(1);
  }

  @Test
  void aValueOutsideTheScaleIsRefusedNotFoldedIntoAnEdgeBin() {
    assertThatThrownBy(() -> Charts.binCounts(5, new long[] {3, 8}, "e_score",
        new double[] {2, 5.0069})).isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("cannot plot the score histogram: e_score of idx 8 is 5.0069,"
            + " outside the scale 1-5");
    assertThatThrownBy(() -> Charts.binCounts(5, new long[] {3}, "human", new double[] {0.5}))
        .hasMessageContaining("human of idx 3 is 0.5");
  }
}
