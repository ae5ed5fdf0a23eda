package io.github.lager.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.lager.core.math.LabelTokens;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The score anchor decides the score position during decoding: a scripted judge writes feedback
 * with digits ("3 of 4 steps are correct") before "Score: 4"; with the anchor "Score:" the score
 * is the 4, without it the last digit generated.
 */
class ScorePositionRuleTest {
  /** A toy vocabulary: ids to text, the labels "1".."5" are ids 19..23. */
  static final Map<Integer, String> VOCAB = Map.ofEntries(Map.entry(19, "1"), Map.entry(20, "2"),
      Map.entry(21, "3"), Map.entry(22, "4"), Map.entry(23, "5"), Map.entry(40, "The"),
      Map.entry(41, " answer"), Map.entry(42, " gets"), Map.entry(43, " of"),
      Map.entry(44, " steps"), Map.entry(45, " right."), Map.entry(46, " Score"),
      Map.entry(47, ":"), Map.entry(48, " "), Map.entry(49, "\n"), Map.entry(2, "</s>"));
  static final ScorePositionRule.TokenDecoder DECODE = ids -> {
    StringBuilder sb = new StringBuilder();
    for (int id : ids) {
      sb.append(id == 2 ? "" : VOCAB.get(id));
    }
    return sb.toString();
  };
  // "The answer gets 3 of 4 steps right. Score: 4\n Score: 2" then EOS
  static final int[] FEEDBACK = {40, 41, 42, 48, 21, 43, 48, 22, 44, 45, 46, 47, 48, 22, 49, 46,
      47, 48, 20, 2};
  static final GenerationOptions OPTIONS = new GenerationOptions(30,
      LabelTokens.oneToK(19, 20, 21, 22, 23), new int[] {2}, 0);

  /** Runs a one-row batch through the scripted tokens; hidden states encode the step. */
  static ScorePositionOutput run(GenerationOptions options, int[] script) {
    BatchDecoding d = new BatchDecoding(List.of(new int[] {5, 6}), options, 2, 1);
    for (int step = 0; ; step++) {
      int s = step;
      if (!d.accept(new long[] {script[step]}, () -> new float[] {s, 100 + s})) {
        break;
      }
    }
    return d.outputs().get(0);
  }

  @Test
  void withoutAnAnchorTheLastLabelTokenIsTheScore() {
    ScorePositionOutput.Found out = (ScorePositionOutput.Found) run(OPTIONS, FEEDBACK);
    assertThat(out.scoreStep()).isEqualTo(18); // the "2" after the second "Score:"
    assertThat(out.hiddenStates().toArray()).containsExactly(18, 118);
  }

  @Test
  void theAnchorTakesTheFirstLabelTokenAfterIt() {
    GenerationOptions anchored = withScorePosition(OPTIONS, 
        ScorePositionRule.firstLabelTokenAfter("Score:", DECODE));
    ScorePositionOutput.Found out = (ScorePositionOutput.Found) run(anchored, FEEDBACK);
    // the 3 and the 4 of the feedback (steps 4 and 7) come before the anchor; the 4 at step 13
    // is the first label token after "Score:", and the later "Score: 2" does not move it
    assertThat(out.scoreStep()).isEqualTo(13);
    assertThat(out.generatedIds()[13]).isEqualTo(22);
    assertThat(out.hiddenStates().toArray()).containsExactly(13, 113);
    assertThat(out.generatedIds()).hasSize(FEEDBACK.length); // decoding went on to the EOS

    // with stop-at-first-score the row ends at its anchored score
    ScorePositionOutput.Found stopped = (ScorePositionOutput.Found) run(
        anchored.withStopAtFirstScore(true), FEEDBACK);
    assertThat(stopped.scoreStep()).isEqualTo(13);
    assertThat(stopped.generatedIds()).hasSize(14);
  }

  @Test
  void anAnchorThatNeverAppearsLeavesTheSampleWithoutAScore() {
    GenerationOptions anchored = withScorePosition(OPTIONS, 
        ScorePositionRule.firstLabelTokenAfter("Rating:", DECODE));
    assertThat(run(anchored, FEEDBACK)).isInstanceOf(ScorePositionOutput.NoScoreToken.class);
  }

  @Test
  void theAnchorIsSearchedInTheGeneratedTextOnly() {
    // the prompt (ids 5, 6) is never decoded: a prompt that says "Score:" does not count
    int[] seen = new int[1];
    ScorePositionRule rule = ScorePositionRule.firstLabelTokenAfter("Score:", ids -> {
      seen[0] = Math.max(seen[0], ids.length);
      assertThat(ids).doesNotContain(5, 6);
      return DECODE.decode(ids);
    });
    run(withScorePosition(OPTIONS, rule), FEEDBACK);
    // asked at label tokens only (steps 4, 7, 13), with the tokens before them, and no more once
    // the score is taken
    assertThat(seen[0]).isEqualTo(13);
  }

  private static GenerationOptions withScorePosition(GenerationOptions o, ScorePositionRule rule) {
    return new GenerationOptions(o.maxNewTokens(), o.labelTokens(), o.eosTokenIds(), o.padTokenId(),
        o.stopAtFirstScore(), rule);
  }
}
