package io.github.lager.train;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of the layer-weight tuner. {@link #reference()} gives the published code's values
 * ({@code optimize_layer_weights} as called by its evaluation); {@link #paper()} the paper's loss.
 *
 * @param variant which loss
 * @param learningRate Adam's initial learning rate (reference 0.01)
 * @param minLearningRate the plateau schedule's floor (reference 1e-3)
 * @param epochs passes over the data (reference 1; the paper uses 2 for Qwen2.5)
 * @param batchSize samples per step (reference 4); the last batch may be smaller
 * @param seed the shuffling seed (reference 42)
 * @param shuffle reshuffle the samples every epoch (reference true)
 * @param alpha REFERENCE: the initial value of the learned mixing parameter (0.5, mixed through a
 *     sigmoid); PAPER: the fixed weight of the cross-entropy term, in [0, 1]
 * @param plateauFactor learning-rate factor on a plateau (reference 0.5)
 * @param plateauPatience epochs without improvement before the rate drops (reference 1)
 */
public record TunerConfig(
    Variant variant,
    double learningRate,
    double minLearningRate,
    int epochs,
    int batchSize,
    long seed,
    boolean shuffle,
    double alpha,
    double plateauFactor,
    int plateauPatience) {
  /** The tuner's loss. */
  public enum Variant {
    /**
     * The published code: {@code s(a) CE + (1 - s(a)) MSE} with {@code a} learned (s = sigmoid).
     * As in the code, {@code s(a)} is evaluated once per epoch, so {@code a} moves the mix from
     * the next epoch on.
     */
    REFERENCE,
    /** The paper: {@code alpha CE + (1 - alpha) MAE} with alpha fixed. */
    PAPER
  }

  public TunerConfig {
    Objects.requireNonNull(variant, "variant");
    if (!(learningRate > 0) || !(minLearningRate >= 0) || minLearningRate > learningRate) {
      throw new IllegalArgumentException("need 0 <= minLearningRate <= learningRate, 0 < "
          + "learningRate; got " + minLearningRate + " and " + learningRate);
    }
    if (epochs < 1 || batchSize < 1) {
      throw new IllegalArgumentException(
          "epochs and batch size must be >= 1, got " + epochs + " and " + batchSize);
    }
    if (!Double.isFinite(alpha) || (variant == Variant.PAPER && (alpha < 0 || alpha > 1))) {
      throw new IllegalArgumentException("alpha " + alpha + " is invalid for " + variant
          + (variant == Variant.PAPER ? " (a fixed mix in [0, 1])" : ""));
    }
    if (!(plateauFactor > 0 && plateauFactor < 1) || plateauPatience < 0) {
      throw new IllegalArgumentException("plateau factor must be in (0, 1) and patience >= 0, got "
          + plateauFactor + " and " + plateauPatience);
    }
  }

  /** The published code's settings. */
  public static TunerConfig reference() {
    return new TunerConfig(Variant.REFERENCE, 0.01, 1e-3, 1, 4, 42, true, 0.5, 0.5, 1);
  }

  /** The paper's loss (CE + MAE, alpha = 0.5 fixed) with the reference's optimiser settings. */
  public static TunerConfig paper() {
    return reference().toBuilder().variant(Variant.PAPER).build();
  }

  /** The settings in words: {@code reference variant, 1 epoch, batch 4, lr 0.01, seed 42}. */
  public String describe() {
    return variant.name().toLowerCase(java.util.Locale.ROOT) + " variant, " + epochs + " epoch"
        + (epochs == 1 ? "" : "s") + ", batch " + batchSize + ", lr " + learningRate + ", seed "
        + seed;
  }

  /** A builder starting from these settings. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Changes some settings of a config: {@code TunerConfig.reference().toBuilder().epochs(2).build()}. */
  public static final class Builder {
    private Variant variant;
    private double learningRate;
    private double minLearningRate;
    private int epochs;
    private int batchSize;
    private long seed;
    private boolean shuffle;
    private double alpha;
    private double plateauFactor;
    private int plateauPatience;

    private Builder(TunerConfig c) {
      variant = c.variant;
      learningRate = c.learningRate;
      minLearningRate = c.minLearningRate;
      epochs = c.epochs;
      batchSize = c.batchSize;
      seed = c.seed;
      shuffle = c.shuffle;
      alpha = c.alpha;
      plateauFactor = c.plateauFactor;
      plateauPatience = c.plateauPatience;
    }

    public Builder variant(Variant v) {
      variant = v;
      return this;
    }

    /** The initial rate; the plateau floor is lowered to it when it is higher. */
    public Builder learningRate(double lr) {
      learningRate = lr;
      minLearningRate = Math.min(minLearningRate, lr);
      return this;
    }

    public Builder minLearningRate(double lr) {
      minLearningRate = lr;
      return this;
    }

    public Builder epochs(int n) {
      epochs = n;
      return this;
    }

    public Builder batchSize(int n) {
      batchSize = n;
      return this;
    }

    public Builder seed(long s) {
      seed = s;
      return this;
    }

    public Builder shuffle(boolean b) {
      shuffle = b;
      return this;
    }

    public Builder alpha(double a) {
      alpha = a;
      return this;
    }

    public Builder plateau(double factor, int patience) {
      plateauFactor = factor;
      plateauPatience = patience;
      return this;
    }

    public TunerConfig build() {
      return new TunerConfig(variant, learningRate, minLearningRate, epochs, batchSize, seed,
          shuffle, alpha, plateauFactor, plateauPatience);
    }
  }

  /** The numeric settings, for the weights' provenance. */
  public Map<String, Double> hyperparameters() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("learning_rate", learningRate);
    m.put("min_learning_rate", minLearningRate);
    m.put("epochs", (double) epochs);
    m.put("batch_size", (double) batchSize);
    m.put("shuffle", shuffle ? 1.0 : 0.0);
    m.put(variant == Variant.REFERENCE ? "alpha_init" : "alpha", alpha);
    m.put("plateau_factor", plateauFactor);
    m.put("plateau_patience", (double) plateauPatience);
    return m;
  }
}
