package io.github.lager.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.lager.core.io.HumanScore;
import io.github.lager.core.io.ScoredSample;
import io.github.lager.core.math.LayerLogits;
import io.github.lager.core.math.ScoreMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BootstrapTest {
  @Test
  void resamplesRepeatForASeedAndStayInRange() {
    int[][] a = Bootstrap.resampleIndices(50, 30, 0);
    assertThat(Bootstrap.resampleIndices(50, 30, 0)).isDeepEqualTo(a);
    assertThat(Bootstrap.resampleIndices(50, 30, 1)).isNotEqualTo(a);
    int[] seen = new int[50];
    for (int[] r : a) {
      assertThat(r).hasSize(50);
      for (int i : r) {
        assertThat(i).isBetween(0, 49);
        seen[i]++;
      }
    }
    // 1500 draws of 50 values: each value about 30 times, every value drawn.
    assertThat(java.util.Arrays.stream(seen).boxed().toList()).allMatch(c -> c > 5 && c < 70);
  }

  @Test
  void reportsProgressAndIntervalsAroundTheEstimate() {
    ScoreColumns columns = ScoreColumns.of(samples(40), List.of(ScoreMethod.DIRECT_SCORE,
        ScoreMethod.E_SCORE), null, null);
    AtomicInteger calls = new AtomicInteger();
    BootstrapReport r = Bootstrap.run(columns, Bootstrap.resampleIndices(40, 200, 5), 0.9,
        List.of(new Bootstrap.Pair(ScoreMethod.E_SCORE, ScoreMethod.DIRECT_SCORE)),
        (done, total) -> {
          assertThat(total).isEqualTo(200);
          assertThat(done).isEqualTo(calls.incrementAndGet());
        });
    assertThat(calls).hasValue(200);
    for (CorrelationKind k : CorrelationKind.values()) {
      Interval i = r.rows().get(ScoreMethod.E_SCORE).get(k);
      assertThat(i.estimate()).isEqualTo(k.of(Evaluation.evaluate(columns).rows()
          .get(ScoreMethod.E_SCORE)));
      assertThat(i.low()).isLessThan(i.estimate());
      assertThat(i.high()).isGreaterThan(i.estimate());
    }
    assertThat(r.humanCeiling()).as("single human scores: no ceiling").isEmpty();
    assertThat(r.comparisons()).hasSize(1);
  }

  @Test
  void badRequestsAreRefused() {
    ScoreColumns columns = ScoreColumns.of(samples(10), List.of(ScoreMethod.E_SCORE), null, null);
    int[][] idx = Bootstrap.resampleIndices(10, 5, 0);
    assertThatThrownBy(() -> Bootstrap.run(columns, idx, 1.0, List.of(), Bootstrap.Progress.NONE))
        .hasMessageContaining("level must be in (0, 1), got 1.0");
    assertThatThrownBy(() -> Bootstrap.run(columns, idx, 0.95, List.of(new Bootstrap.Pair(
        ScoreMethod.E_SCORE, ScoreMethod.LAGER_WO)), Bootstrap.Progress.NONE))
        .hasMessageContaining("score lager_wo was not computed");
    assertThatThrownBy(() -> new Bootstrap.Pair(ScoreMethod.E_SCORE, ScoreMethod.E_SCORE))
        .hasMessageContaining("two different scores");
    assertThatThrownBy(() -> Bootstrap.resampleIndices(10, 0, 0))
        .hasMessageContaining("0 resamples");
  }

  /** Human 1..5 cycling; the E-score follows it with noise; direct is the E-score rounded. */
  static List<ScoredSample> samples(int n) {
    List<ScoredSample> out = new ArrayList<>();
    java.util.Random r = new java.util.Random(11);
    for (int i = 0; i < n; i++) {
      double h = 1 + i % 5;
      double e = Math.max(1, Math.min(5, 3 + 0.4 * (h - 3) + r.nextGaussian() * 0.6));
      out.add(new ScoredSample(i, Optional.empty(), Optional.of(HumanScore.of(h)), Math.rint(e), e,
          3, Optional.of(LayerLogits.of(new float[][] {{0, 0, 0, 0, 0}, {0, 0, 0, 0, 0}})),
          Optional.empty(), Optional.empty()));
    }
    return out;
  }

  @Test
  void tooFewResamplesForTheIntervalAreRefusedSayingHowManyAreNeeded() {
    assertThat(Bootstrap.minimumResamples(0.95)).isEqualTo(41);
    assertThat(Bootstrap.minimumResamples(0.9)).isEqualTo(21);
    assertThat(Bootstrap.minimumResamples(0.99)).isEqualTo(201);
    assertThatThrownBy(() -> Bootstrap.checkResamples(1, 0.95, "--bootstrap"))
        .isInstanceOf(io.github.lager.core.BadOptionException.class)
        .hasMessage("--bootstrap 1 is too few resamples for a 95% percentile interval: it needs"
            + " at least 41 (2000 is usual)");
    Bootstrap.checkResamples(41, 0.95, "--bootstrap");
    // at the minimum the R-7 lower end is at position 1 of the sorted values: not the minimum
    double[] values = new double[41];
    for (int i = 0; i < values.length; i++) {
      values[i] = i;
    }
    Interval i = Bootstrap.interval(20, values, 0.95);
    assertThat(i.low()).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(i.high()).isCloseTo(39.0, org.assertj.core.api.Assertions.within(1e-9));
  }
}
