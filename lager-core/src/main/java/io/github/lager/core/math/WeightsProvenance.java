package io.github.lager.core.math;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How a set of layer weights was made, stored beside them so that a weights file can be traced
 * and checked: the tuner variant, its hyperparameters, the seed, the model's layer count, the
 * training file and a SHA-256 of its bytes, and the label set tuned on.
 *
 * @param variant tuner variant, e.g. {@code reference} or {@code paper}
 * @param hyperparameters name to value (learning rate, epochs, batch size, ...), sorted by name
 * @param seed the shuffling seed
 * @param entries hidden-state entries ({@code L+1}) of the model the weights were tuned on
 * @param trainingData the training file(s), as given
 * @param trainingDataSha256 SHA-256 of the training file bytes (hex)
 * @param trainingSamples the number of samples tuned on
 * @param lagerVersion the library version that tuned them
 * @param labelSet the label set of the training data (without token ids); empty in files written
 *     before lager recorded it, which were tuned on a scale "1".."K"
 */
public record WeightsProvenance(
    String variant,
    Map<String, Double> hyperparameters,
    long seed,
    int entries,
    String trainingData,
    String trainingDataSha256,
    int trainingSamples,
    String lagerVersion,
    Optional<LabelSet> labelSet) {
  public WeightsProvenance {
    Objects.requireNonNull(variant, "variant");
    Objects.requireNonNull(trainingData, "trainingData");
    Objects.requireNonNull(trainingDataSha256, "trainingDataSha256");
    Objects.requireNonNull(lagerVersion, "lagerVersion");
    Objects.requireNonNull(labelSet, "labelSet");
    hyperparameters = Collections.unmodifiableMap(new TreeMap<>(hyperparameters));
  }
}
