package io.github.lager.cli;

import io.github.lager.train.TunerConfig;
import picocli.CommandLine.Option;

/** The tuner's settings as options; the defaults are the published code's. */
final class TunerOptions {
  @Option(names = "--variant", defaultValue = "REFERENCE",
      description = "Tuner loss: REFERENCE (CE + MSE, learned mix; the published code) or PAPER"
          + " (CE + MAE, fixed --alpha). Default: ${DEFAULT-VALUE}.")
  TunerConfig.Variant variant;

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

  TunerConfig config() {
    return TunerConfig.reference().toBuilder().variant(variant).epochs(epochs).batchSize(batchSize)
        .seed(seed).learningRate(learningRate).alpha(alpha).build();
  }

  String describe() {
    return config().describe();
  }
}
