package io.github.lager.core.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.lager.core.InvalidInputException;
import org.junit.jupiter.api.Test;

/** The --labels/--values text: lists, ranges and values, and every error naming the option. */
class LabelSetSyntaxTest {
  @Test
  void parsesListsRangesAndValues() {
    LabelSet zeroToTwo = LabelSetSyntax.parse("0,1,2", null);
    assertThat(zeroToTwo.labels()).containsExactly("0", "1", "2");
    assertThat(zeroToTwo.values()).containsExactly(0, 1, 2);
    assertThat(zeroToTwo.isPairwise()).isTrue();
    assertThat(zeroToTwo.describe()).isEqualTo("0,1,2");
    LabelSet nine = LabelSetSyntax.parse("1-9", null);
    assertThat(nine).isEqualTo(LabelSet.of(9));
    assertThat(nine.isOneToK()).isTrue();
    assertThat(nine.describe()).isEqualTo("1-9");
    assertThat(LabelSetSyntax.parse("0-4", null).values()).containsExactly(0, 1, 2, 3, 4);
    LabelSet letters = LabelSetSyntax.parse("A,B,C", "1,2,3");
    assertThat(letters.describe()).isEqualTo("A=1, B=2, C=3");
    assertThat(letters.isPairwise()).isFalse();
    LabelSet mtBench = LabelSetSyntax.parse("A,B,C", "0,2,1");
    assertThat(mtBench.isPairwise()).isTrue();
    assertThat(mtBench.labelOf(LabelSet.TIE)).isEqualTo("C");
    assertThat(mtBench.indexOfValue(2)).isEqualTo(1);
    assertThat(LabelSetSyntax.parse("1,2,3,4,5", "0.5,1,1.5,2,2.5").labelOf(1.5)).isEqualTo("3");
  }

  @Test
  void badLabelSetsAreNamed() {
    assertThatThrownBy(() -> LabelSetSyntax.parse("A,B,C", null))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("--labels: label \"A\" is not a number, so it has no value of its own; give"
            + " one value per label with --values (e.g. --labels A,B,C --values 1,2,3)");
    assertThatThrownBy(() -> LabelSetSyntax.parse("A,B,C", "1,2"))
        .hasMessage("--values has 2 values (1,2) for 3 labels [A, B, C]; give one value per"
            + " label, in the labels' order");
    assertThatThrownBy(() -> LabelSetSyntax.parse("A,B,A", "1,2,3"))
        .hasMessage("--labels/--values: label \"A\" appears twice in [A, B, A]");
    assertThatThrownBy(() -> LabelSetSyntax.parse("A,B", "1,1"))
        .hasMessage("--labels/--values: labels \"A\" and \"B\" have the same value 1; each label"
            + " needs its own value");
    assertThatThrownBy(() -> LabelSetSyntax.parse("A,B", "1,x"))
        .hasMessage("--values: \"x\" (the value of label \"B\") is not a number");
    assertThatThrownBy(() -> LabelSetSyntax.parse("5-1", null))
        .hasMessageContaining("a range FROM-TO needs FROM < TO");
    assertThatThrownBy(() -> LabelSetSyntax.parse("A,,B", "1,2,3"))
        .hasMessageContaining("an empty label");
    assertThatThrownBy(() -> LabelSetSyntax.parse("7", null))
        .hasMessageContaining("at least 2 labels");
  }
}
