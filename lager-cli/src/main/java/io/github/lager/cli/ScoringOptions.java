package io.github.lager.cli;

import io.github.lager.core.spi.ProviderOptions;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options `lager score` and `lager judge` share. */
final class ScoringOptions {
  @Option(names = "--backend", paramLabel = "NAME",
      description = "djl or onnx (default: lager.backend, LAGER_BACKEND, else the best available).")
  String backend;

  @Option(names = "--weights", paramLabel = "FILE",
      description = "Layer weights (lager tune); adds lager_w to every scored sample.")
  Path weights;

  @Option(names = "--calibration", paramLabel = "FILE",
      description = "Calibration maps (lager calibrate); adds <score>_calibrated to every scored"
          + " sample.")
  Path calibration;

  @Option(names = "--batch-size", defaultValue = "4", description = "Default ${DEFAULT-VALUE}.")
  int batchSize;

  @Option(names = "--max-new-tokens", paramLabel = "N",
      description = "Greedy decoding length (default 10, or 256 with --reasoning).")
  Integer maxNewTokens;

  @Option(names = "--reasoning",
      description = "Reasoning condition: user_prompt_feedback, 256 new tokens.")
  boolean reasoning;

  @Option(names = "--device", defaultValue = "AUTO",
      description = "AUTO (a GPU when the backend sees one), CPU or GPU. Default: ${DEFAULT-VALUE}.")
  ProviderOptions.Device device;

  @Option(names = "--dtype", paramLabel = "TYPE",
      description = "float32 or float16 (default: float32 on CPU, float16 on GPU).")
  String dtype;

  @Option(names = "--max-length", defaultValue = "2048",
      description = "Drop prompts longer than this many tokens, as the reference (default ${DEFAULT-VALUE}).")
  int maxLength;

  @Option(names = "--points", defaultValue = "5",
      description = "Score scale 1..N; \"1\"..\"N\" must be single tokens (default ${DEFAULT-VALUE}).")
  int points;

  @Option(names = "--no-special-tokens",
      description = "Tokenize the templated prompt without the tokenizer's special tokens (the"
          + " reference adds them: a second <|begin_of_text|> for Llama-3).")
  boolean noSpecialTokens;

  @Option(names = "--logit-lens",
      description = "Apply the final RMSNorm to every layer before the LM head (the reference does not).")
  boolean logitLens;

  @Option(names = "--fail-fast", description = "Stop at the first failing sample.")
  boolean failFast;

  @Option(names = "--quiet", description = "No progress output.")
  boolean quiet;
}
