package io.github.lager.eval.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.lager.core.InvalidInputException;
import io.github.lager.core.math.LabelSet;
import io.github.lager.core.math.LabelSetSyntax;
import org.junit.jupiter.api.Test;

class ReportChartsTest {
  @Test
  void histogramBinsAreHalfOpenExceptTheLastWhichHoldsTheTopOfTheScale() {
    long[] idx = {10, 11, 12, 13, 14, 15};
    int[] counts = ReportCharts.binCounts(LabelSet.of(5), idx, "human",
        new double[] {1.0, 1.49, 1.5, 4.5, 4.99, 5.0});
    assertThat(counts).containsExactly(2, 1, 0, 0, 0, 0, 0, 3);
    assertThat(ReportCharts.binCounts(LabelSet.of(9), new long[] {1}, "x", new double[] {9}))
        .hasSize(16).endsWith(1);
  }

  @Test
  void aValueOutsideTheScaleIsRefusedNotFoldedIntoAnEdgeBin() {
    assertThatThrownBy(() -> ReportCharts.binCounts(LabelSet.of(5), new long[] {3, 8}, "e_score",
        new double[] {2, 5.0069})).isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("cannot plot the score histogram: e_score of idx 8 is 5.0069,"
            + " outside the range 1-5 of the labels 1-5");
    assertThatThrownBy(() -> ReportCharts.binCounts(LabelSet.of(5), new long[] {3}, "human",
        new double[] {0.5}))
        .hasMessageContaining("human of idx 3 is 0.5");
  }

  @Test
  void binsSpanTheRangeOfTheLabelsValues() {
    // pairwise labels 0,1,2: four bins [0, 0.5), [0.5, 1), [1, 1.5), [1.5, 2]
    LabelSet pairwise = LabelSetSyntax.parse("0,1,2", null);
    assertThat(ReportCharts.binCounts(pairwise, new long[] {1, 2, 3, 4, 5}, "human",
        new double[] {0, 0.5, 1.0, 1.49, 2})).containsExactly(1, 1, 2, 1);
    // letters valued 10, 20, 30: a value below the smallest value is refused
    LabelSet letters = LabelSetSyntax.parse("A,B,C", "10,20,30");
    assertThat(ReportCharts.binCounts(letters, new long[] {1, 2}, "x", new double[] {10, 30}))
        .containsExactly(1, 0, 0, 1);
    assertThatThrownBy(() -> ReportCharts.binCounts(letters, new long[] {7}, "x", new double[] {9}))
        .hasMessageContaining("outside the range 10-30 of the labels A=10, B=20, C=30");
  }
}
