package io.github.lager.train;

import io.github.lager.core.LagerVersion;
import io.github.lager.core.math.Distributions;
import io.github.lager.core.math.LayerWeights;
import io.github.lager.core.math.WeightsProvenance;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;

/**
 * Tunes LAGER's layer weights {@code w = softmax(theta)} on labelled samples (Lai et al., NeurIPS
 * 2025, Sec. 3.2; the published {@code optimize_layer_weights}).
 *
 * <p>{@code theta} starts at zero (uniform weights). Each epoch shuffles the samples (seeded;
 * {@link java.util.Random} with the config's seed, created once, so epochs differ and runs repeat
 * bit for bit), takes Adam steps on batches of {@link TunerConfig#batchSize()}, then steps the
 * plateau schedule on the epoch's mean loss. The gradient is analytic ({@link TunerLoss}): there
 * are only {@code L} parameters (plus alpha), no autograd engine is needed.
 *
 * <p>The permutation is not PyTorch's ({@code DataLoader(shuffle=True)} under
 * {@code torch.manual_seed}), so weights differ from the reference's by the order of the samples
 * alone; with {@code shuffle=false} both see the same order.
 */
public final class LayerWeightTuner {
  private final TunerConfig config;

  public LayerWeightTuner(TunerConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  public TunerConfig config() {
    return config;
  }

  public TuningResult tune(TrainingData data) {
    Objects.requireNonNull(data, "data");
    int n = data.entries() - 1;
    // theta (n layer parameters) and, last, alpha: one optimiser, one schedule, as in the
    // reference's Adam([weights, alpha]). The paper variant gives alpha no gradient.
    double[] params = new double[n + 1];
    params[n] = config.alpha();
    boolean reference = config.variant() == TunerConfig.Variant.REFERENCE;
    Adam adam = new Adam(n + 1, config.learningRate());
    ReduceLrOnPlateau schedule = new ReduceLrOnPlateau(adam, config.plateauFactor(),
        config.plateauPatience(), config.minLearningRate());
    List<TrainingExample> order = new ArrayList<>(data.examples());
    Random random = new Random(config.seed());
    int batches = (order.size() + config.batchSize() - 1) / config.batchSize();
    double[] epochLosses = new double[config.epochs()];
    double[] stepLosses = new double[config.epochs() * batches];
    int step = 0;
    for (int epoch = 0; epoch < config.epochs(); epoch++) {
      if (config.shuffle()) {
        Collections.shuffle(order, random);
      }
      // As the reference: the mix is read once per epoch; alpha's updates count from the next.
      double mix = reference ? TunerLoss.sigmoid(params[n]) : config.alpha();
      double total = 0;
      for (int b = 0; b < batches; b++) {
        List<TrainingExample> batch = order.subList(b * config.batchSize(),
            Math.min(order.size(), (b + 1) * config.batchSize()));
        TunerLoss.Result r = TunerLoss.evaluate(Arrays.copyOf(params, n), mix, !reference, batch,
            data.labelSet());
        double[] grads = Arrays.copyOf(r.gradTheta(), n + 1);
        if (reference) {
          grads[n] = (r.crossEntropy() - r.regression()) * mix * (1 - mix);
        }
        adam.step(params, grads);
        stepLosses[step++] = r.loss();
        total += r.loss();
      }
      epochLosses[epoch] = total / batches;
      schedule.step(epochLosses[epoch]);
    }
    double[] theta = Arrays.copyOf(params, n);
    WeightsProvenance provenance = new WeightsProvenance(
        config.variant().name().toLowerCase(Locale.ROOT), config.hyperparameters(),
        config.seed(), data.entries(), data.description(), data.sha256(), data.examples().size(),
        version(), Optional.of(data.labelSet()));
    LayerWeights weights = new LayerWeights(Distributions.softmax(theta), Optional.of(provenance));
    return new TuningResult(weights, epochLosses, stepLosses, params[n], adam.learningRate());
  }

  static String version() {
    return LagerVersion.current();
  }
}
