package io.github.lager.train;

import io.github.lager.core.math.LayerLogits;
import java.util.Objects;

/**
 * One tuning sample: a sample's per-entry score logits and its integer human score
 * {@code 1..K} (the rounded mean of the annotators' scores).
 */
public record TrainingExample(LayerLogits logits, int target) {
  public TrainingExample {
    Objects.requireNonNull(logits, "logits");
    if (target < 1 || target > logits.points()) {
      throw new IllegalArgumentException(
          "target " + target + " is outside the score scale 1.." + logits.points());
    }
  }
}
