package io.github.lager.core.spi;

import java.util.Objects;

/**
 * Which generated label token is a row's score position, the step whose hidden states are kept
 * ({@link BatchDecoding} asks at every label token; the backends do not see the rule).
 *
 * <ul>
 *   <li>{@link #LAST_LABEL_TOKEN}, the reference's rule: every label token is a candidate and the
 *       last one generated is the score position (docs/method.md section 1);
 *   <li>{@link #firstLabelTokenAfter}: the first label token generated after an anchor text such
 *       as {@code "Score:"}, for the reasoning condition, where the feedback before the score may
 *       hold digits (or letters) that are labels. The anchor is searched in the text decoded from
 *       the row's <em>generated</em> tokens before the label token (never in the prompt, whose
 *       instructions usually contain it); label tokens before it are ignored, and once taken the
 *       position does not move.
 * </ul>
 */
public interface ScorePositionRule {
  /** The reference's rule: the last label token generated. */
  ScorePositionRule LAST_LABEL_TOKEN = new ScorePositionRule() {
    @Override
    public boolean takes(int[] generatedBefore, boolean hasScorePosition) {
      return true;
    }

    @Override
    public String toString() {
      return "last label token";
    }
  };

  /** Text of token ids, as the model's tokenizer decodes them (special tokens skipped). */
  @FunctionalInterface
  interface TokenDecoder {
    String decode(int[] ids);
  }

  /**
   * Whether a label token that a row generates now becomes its score position (replacing an
   * earlier one).
   *
   * @param generatedBefore the row's tokens generated before this one
   * @param hasScorePosition whether the row already has a score position
   */
  boolean takes(int[] generatedBefore, boolean hasScorePosition);

  /**
   * The first label token generated after {@code anchor} in the row's generated text.
   *
   * @param decoder turns the row's generated ids into text (the tokenizer's decode)
   */
  static ScorePositionRule firstLabelTokenAfter(String anchor, TokenDecoder decoder) {
    Objects.requireNonNull(anchor, "anchor");
    Objects.requireNonNull(decoder, "decoder");
    if (anchor.isEmpty()) {
      throw new IllegalArgumentException("an anchor must not be empty");
    }
    return new ScorePositionRule() {
      @Override
      public boolean takes(int[] generatedBefore, boolean hasScorePosition) {
        return !hasScorePosition && decoder.decode(generatedBefore).contains(anchor);
      }

      @Override
      public String toString() {
        return "first label token after \"" + anchor + "\"";
      }
    };
  }
}
