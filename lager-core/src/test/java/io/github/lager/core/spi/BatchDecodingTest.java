package io.github.lager.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.lager.core.math.LabelTokens;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Hugging Face generate() semantics on a hand-made batch: padding, positions, EOS, score steps. */
class BatchDecodingTest {
  static final int EOS = 2;
  static final int PAD = 0;
  // score tokens "1".."5" = 19..23
  static final GenerationOptions OPTIONS =
      new GenerationOptions(4, LabelTokens.oneToK(19, 20, 21, 22, 23), new int[] {EOS}, PAD);

  /** [L+1=2][batch=2][hidden=1] states whose values encode (step, entry, row). */
  static float[] states(int step) {
    return new float[] {step * 100 + 0, step * 100 + 1, step * 100 + 10, step * 100 + 11};
  }

  @Test
  void leftPadsAndDerivesPositionsFromTheMask() {
    BatchDecoding d = new BatchDecoding(List.of(new int[] {5, 6, 7}, new int[] {8}), OPTIONS, 2, 1);
    assertThat(d.tokens()).isDeepEqualTo(new long[][] {{5, 6, 7}, {PAD, PAD, 8}});
    assertThat(d.attentionMask()).isDeepEqualTo(new long[][] {{1, 1, 1}, {0, 0, 1}});
    assertThat(d.positions()).isDeepEqualTo(new long[][] {{0, 1, 2}, {1, 1, 0}});
    assertThat(d.newColumns()).isEqualTo(3);
    d.accept(new long[] {40, 41}, () -> states(0));
    assertThat(d.newTokens()).isDeepEqualTo(new long[][] {{40}, {41}});
    assertThat(d.newPositions()).isDeepEqualTo(new long[][] {{3}, {1}});
  }

  @Test
  void finishedRowsAreFedPadAndTheLastScoreTokenWins() {
    BatchDecoding d = new BatchDecoding(List.of(new int[] {5}, new int[] {6}), OPTIONS, 2, 1);
    AtomicInteger fetched = new AtomicInteger();
    // step 0: row 0 says "3", row 1 says "hello"
    assertThat(d.accept(new long[] {21, 99}, () -> { fetched.incrementAndGet(); return states(0); })).isTrue();
    // step 1: row 0 ends (EOS), row 1 says "5"
    assertThat(d.accept(new long[] {EOS, 23}, () -> { fetched.incrementAndGet(); return states(1); })).isTrue();
    assertThat(d.tokens()[0]).endsWith(21, EOS); // the EOS itself joins the sequence
    // step 2: row 0's argmax is ignored (finished); row 1 says "4", the last score token
    assertThat(d.accept(new long[] {22, 22}, () -> { fetched.incrementAndGet(); return states(2); })).isTrue();
    assertThat(d.tokens()[0]).endsWith(21, EOS, PAD); // from then on it is fed the pad token
    assertThat(d.attentionMask()[0]).endsWith(1, 1, 1);
    // step 3 is the last (maxNewTokens 4)
    assertThat(d.accept(new long[] {7, 99}, () -> { fetched.incrementAndGet(); return states(3); })).isFalse();
    assertThat(fetched).as("states are fetched only at score-token steps").hasValue(3);

    List<ScorePositionOutput> out = d.outputs();
    ScorePositionOutput.Found row0 = (ScorePositionOutput.Found) out.get(0);
    assertThat(row0.generatedIds()).containsExactly(21, EOS);
    assertThat(row0.scoreStep()).isZero();
    assertThat(row0.hiddenStates().toArray()).containsExactly(0, 10);
    ScorePositionOutput.Found row1 = (ScorePositionOutput.Found) out.get(1);
    assertThat(row1.generatedIds()).containsExactly(99, 23, 22, 99);
    assertThat(row1.scoreStep()).isEqualTo(2);
    assertThat(row1.hiddenStates().toArray()).containsExactly(201, 211);
  }

  @Test
  void stopsWhenEveryRowHasEnded() {
    BatchDecoding d = new BatchDecoding(List.of(new int[] {5}, new int[] {6}), OPTIONS, 2, 1);
    assertThat(d.accept(new long[] {EOS, 9}, () -> states(0))).isTrue();
    assertThat(d.accept(new long[] {9, EOS}, () -> states(1))).isFalse();
    assertThat(d.outputs()).allMatch(o -> o instanceof ScorePositionOutput.NoScoreToken);
    assertThat(d.outputs().get(1).generatedIds()).containsExactly(9, EOS);
  }

  @Test
  void stopAtFirstScoreEndsARowAtItsFirstScoreToken() {
    BatchDecoding d = new BatchDecoding(List.of(new int[] {5}, new int[] {6}),
        OPTIONS.withStopAtFirstScore(true), 2, 1);
    BatchDecoding.Step s0 = d.accept(new long[] {99, 21});
    assertThat(s0.more()).isTrue();
    assertThat(s0.scoredRows()).containsExactly(1);
    assertThat(d.isFinished(1)).isTrue();
    assertThat(d.isFinished(0)).isFalse();
    d.keepScoreState(1, new float[] {7, 8}, 2.5);
    BatchDecoding.Step s1 = d.accept(new long[] {22, 23}); // row 1 has ended: its 23 is ignored
    assertThat(s1.scoredRows()).containsExactly(0);
    assertThat(s1.more()).as("every row has ended").isFalse();
    d.keepScoreState(0, new float[] {3, 4}, Double.NaN);
    List<ScorePositionOutput> out = d.outputs();
    assertThat(out.get(0).generatedIds()).containsExactly(99, 22);
    assertThat(((ScorePositionOutput.Found) out.get(0)).scoreStep()).isEqualTo(1);
    assertThat(out.get(1).generatedIds()).containsExactly(21);
    assertThat(((ScorePositionOutput.Found) out.get(1)).hiddenStates().toArray()).containsExactly(7, 8);
    assertThat(((ScorePositionOutput.Found) out.get(1)).finalLogSumExp()).isEqualTo(2.5);
    assertThat(((ScorePositionOutput.Found) out.get(0)).finalLogSumExp()).isNaN();
    assertThat(d.lastToken(0)).isEqualTo(22);
  }

  @Test
  void aScoreStepWhoseStatesWereNotKeptIsAnError() {
    BatchDecoding d = new BatchDecoding(List.of(new int[] {5}), OPTIONS, 2, 1);
    d.accept(new long[] {21});
    d.keepScoreState(0, new float[] {1, 2}, 1.0);
    d.accept(new long[] {22}); // a later score token replaces the score position
    org.assertj.core.api.Assertions.assertThatThrownBy(d::outputs)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("row 0 generated a score token at step 1");
  }

  @Test
  void aBackendThatDropsEndedRowsKeepsTrackOfTheirBatchRows() {
    BatchDecoding d = new BatchDecoding(
        List.of(new int[] {5}, new int[] {6}, new int[] {7}), OPTIONS, 2, 1);
    int[] rows = {0, 1, 2};
    // the decoder's rows 0..2 are batch rows 0..2: batch row 1 ends (EOS)
    d.accept(d.toBatch(new long[] {40, EOS, 41}, rows), () -> new float[6]);
    long[] live = d.liveRows(rows);
    assertThat(live).containsExactly(0, 2);
    rows = BatchDecoding.keepRows(rows, live);
    assertThat(rows).containsExactly(0, 2);
    // two decoder rows now: their tokens land on batch rows 0 and 2; row 1 gets 0 (ignored)
    assertThat(d.toBatch(new long[] {50, 51}, rows)).containsExactly(50, 0, 51);
    d.accept(d.toBatch(new long[] {EOS, 52}, rows), () -> new float[6]);
    assertThat(d.liveRows(rows)).containsExactly(1);
  }
}
