package io.github.lager.cli;

import io.github.lager.train.TunerConfig;
import picocli.CommandLine.Option;

/** The tuner's settings as options; the defaults are the published code's. */
final class TunerOptions {
  @Option(names = "--variant", defaultValue = "REFERENCE",
      description = "Tuner loss: REFERENCE (CE + MSE, learned mix; the published code) or PAPER"
          + " (CE + MAE, fixed --alpha). Default: ${DEFAULT-VALUE}.")
  TunerConfig.Variant variant;

  static final int MAX_EPOCHS = 10_000;

  @Option(names = "--epochs", defaultValue = "1",
      description = "Epochs (default ${DEFAULT-VALUE}; the paper uses 2 for Qwen2.5).")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "4", description = "Default ${DEFAULT-VALUE}.")
  int batchSize;

  @Option(names = "--seed", defaultValue = "42",
      description = "Seed (default ${DEFAULT-VALUE}) of the tuner's shuffling and, in `evaluate`,"
          + " of the bootstrap resamples and the cross-validation folds.")
  long seed;

  @Option(names = "--lr", defaultValue = "0.01", description = "Adam learning rate (default ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(names = "--alpha", defaultValue = "0.5",
      description = "REFERENCE: initial mixing parameter; PAPER: fixed CE weight (default ${DEFAULT-VALUE}).")
  double alpha;

  /**
   * The tuner's settings; values out of range fail naming the option. The reference's learning
   * rate floor (its plateau schedule's minimum, 1e-3) is lowered to {@code --lr} when that is
   * smaller, so any positive --lr runs.
   */
  TunerConfig config() {
    check();
    TunerConfig reference = TunerConfig.reference();
    return reference.toBuilder().variant(variant).epochs(epochs).batchSize(batchSize)
        .seed(seed).learningRate(learningRate)
        .minLearningRate(Math.min(reference.minLearningRate(), learningRate)).alpha(alpha).build();
  }

  /** Fails naming the option when a value is out of its range. */
  void check() {
    // the paper tunes for 1 or 2 epochs; the tuner keeps every step's loss, so a huge count
    // would end in an out-of-memory error rather than a result
    OptionChecks.atLeast("--epochs", epochs, 1);
    OptionChecks.atMost("--epochs", epochs, MAX_EPOCHS);
    OptionChecks.atLeast("--batch-size", batchSize, 1);
    if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
      throw OptionChecks.bad("--lr", "--lr must be a positive number, found " + learningRate);
    }
    if (variant == TunerConfig.Variant.PAPER) {
      OptionChecks.between("--alpha", alpha, 0, true, 1, true);
    } else if (!Double.isFinite(alpha)) {
      throw OptionChecks.bad("--alpha", "--alpha must be a finite number, found " + alpha);
    }
  }

  String describe() {
    return config().describe();
  }
}
