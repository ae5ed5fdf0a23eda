package io.github.lager.train;

import io.github.lager.core.math.LayerLogits;
import java.util.Objects;

/**
 * One tuning sample: a sample's per-entry score logits and the index of its human label in the
 * label set ({@code 0..K-1}; on the scale 1..K, the human score minus one).
 */
public record TrainingExample(LayerLogits logits, int labelIndex) {
  public TrainingExample {
    Objects.requireNonNull(logits, "logits");
    if (labelIndex < 0 || labelIndex >= logits.points()) {
      throw new IllegalArgumentException(
          "label index " + labelIndex + " is outside the " + logits.points() + " labels");
    }
  }
}
