package io.github.lager.core.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A label set bound to token ids: one distinct id per label, and the lookup of a token. */
class LabelTokensTest {
  @Test
  void labelTokensCheckTokenIds() {
    LabelTokens s = LabelTokens.oneToK(19, 20, 21, 22, 23);
    assertThat(s.size()).isEqualTo(5);
    assertThat(s.indexOfToken(22)).isEqualTo(3);
    assertThat(s.indexOfToken(5)).isEqualTo(-1);
    assertThatThrownBy(() -> LabelTokens.oneToK(1, 1))
        .hasMessageContaining("labels \"1\" and \"2\" share token id 1");
    // a LabelSet has no token ids (its type has none); a LabelTokens has one per label
    assertThatThrownBy(() -> LabelTokens.of(LabelSet.of(9), new int[0]))
        .hasMessageContaining("needs 9 token ids, got 0");
    assertThatThrownBy(() -> LabelTokens.of(LabelSetSyntax.parse("A,B,C", "1,2,3"),
        new int[] {5, 6, 5}))
        .hasMessage("labels \"A\" and \"C\" share token id 5; each label must be its own token");
  }

  @Test
  void keepsTheLabelSetAndCopiesTheIds() {
    int[] ids = {7, 8, 9};
    LabelTokens t = LabelTokens.of(LabelSetSyntax.parse("A,B,C", "0,2,1"), ids);
    ids[0] = 1;
    assertThat(t.tokenIds()).containsExactly(7, 8, 9);
    assertThat(t.labelSet()).isEqualTo(LabelSetSyntax.parse("A,B,C", "0,2,1"));
    LabelTokens same = LabelTokens.of(LabelSetSyntax.parse("A,B,C", "0,2,1"), new int[] {7, 8, 9});
    assertThat(t).isEqualTo(same).hasSameHashCodeAs(same);
    assertThat(t.size()).isEqualTo(3);
    assertThat(LabelTokens.oneToK(7, 8).labelSet()).isEqualTo(LabelSet.of(2));
  }
}
