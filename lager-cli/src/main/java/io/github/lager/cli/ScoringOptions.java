package io.github.lager.cli;

import io.github.lager.core.math.Projection;
import io.github.lager.core.pipeline.ScoringSummary;
import io.github.lager.hf.JudgeOptions;
import io.github.lager.hf.backend.ProviderOptions;
import io.github.lager.hf.run.ScoringRun;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Mixin;
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

  @Mixin
  PromptOptions prompts;

  @Option(names = "--anchor", paramLabel = "TEXT",
      description = "The score is the first label token generated after TEXT (e.g. \"Score:\","
          + " for --reasoning: digits in the feedback are not the score); default: the last"
          + " label token, as the reference.")
  String anchor;

  @Option(names = "--reuse-weights",
      description = "Use --weights tuned on another label set (weights are per layer; the paper"
          + " reuses 1-5 weights on 1-9).")
  boolean reuseWeights;

  @Option(names = "--device", defaultValue = "AUTO",
      description = "auto (a GPU when the backend sees one), cpu or gpu (any case). Default: ${DEFAULT-VALUE}.")
  ProviderOptions.Device device;

  @Option(names = "--dtype", paramLabel = "TYPE",
      description = "float32, bfloat16 or float16 (default: float32 on CPU, bfloat16 on GPU).")
  String dtype;

  @Option(names = "--stop-at-first-score",
      description = "End a row at its first score token (a direct judge usually prints its score"
          + " first). Deviates from the reference, whose score position is the last score token"
          + " within --max-new-tokens.")
  boolean stopAtFirstScore;

  @Option(names = "--max-length", defaultValue = "2048",
      description = "Drop prompts longer than this many tokens, as the reference (default ${DEFAULT-VALUE}).")
  int maxLength;


  @Option(names = "--logit-lens",
      description = "Apply the final RMSNorm to every layer before the LM head (the reference does not).")
  boolean logitLens;

  @Option(names = "--fail-fast", description = "Stop at the first unusable input line or failing sample.")
  boolean failFast;

  @Option(names = "--skip-bad",
      description = "Unusable input lines are left out and listed either way; with this the exit"
          + " status is 0 rather than 3.")
  boolean skipBad;

  @Option(names = "--overwrite",
      description = "Replace an existing --out (and an interrupted run's partial file) instead of"
          + " refusing to.")
  boolean overwrite;

  @Option(names = "--quiet",
      description = "Print errors and the final summary only: no progress, no [INFO] or setup"
          + " lines.")
  boolean quiet;

  /**
   * The scoring run these options describe: the judge's options (built by the run, once, with the
   * weights of {@code --weights}), the calibration, progress on {@code log} unless
   * {@code --quiet}. The run refuses outputs that are inputs before anything is read.
   *
   * @param out the results file, or null for none
   */
  ScoringRun.Builder run(Path model, Path data, Path out, PrintWriter log) {
    validate();
    JudgeOptions.Builder judge = prompts.apply(JudgeOptions.builder()).backend(backend)
        .device(device).dtype(dtype).maxNewTokens(maxNewTokens).batchSize(batchSize)
        .maxLength(maxLength).lens(logitLens ? Projection.Lens.FINAL_NORM : Projection.Lens.RAW)
        .failFast(failFast).stopAtFirstScore(stopAtFirstScore).anchor(anchor)
        .reuseWeights(reuseWeights);
    // a combination the judge refuses is a usage error, before any file is read (the run builds
    // the options it uses once, with the weights of --weights)
    PromptOptions.build(judge);
    return ScoringRun.builder(model, data).options(judge).weights(weights)
        .calibration(calibration).log(log).quiet(quiet)
        .progress((toScore, onDisk) -> ProgressReporter.create(toScore, onDisk, log, quiet));
  }

  /** The summary lines every scoring command prints. */
  static void printSummary(ScoringSummary s, Path out, PrintWriter pw) {
    int onDisk = s.scored() + s.noScoreToken() + s.kept();
    pw.printf(Locale.ROOT, "scored %d of %d samples: %s%d with a score token, %d without (written"
        + " as invalid, no score), %d too long (dropped), %d failed; %.1f s, %.2f samples/s, %d"
        + " prompt tokens, padding %.1f%%%n", onDisk, s.samples(),
        s.kept() > 0 ? s.kept() + " kept from the earlier run; in this run " : "", s.scored(),
        s.noScoreToken(), s.tooLong(), s.failed(), s.seconds(), s.samplesPerSecond(),
        s.promptTokens(), 100 * s.paddingFraction());
    int shown = 0;
    for (String p : s.problems()) {
      if (shown++ == 20) {
        pw.printf("... and %d more problems%n", s.problems().size() - 20);
        break;
      }
      pw.println("  " + p);
    }
    if (out != null) {
      pw.println("wrote " + out);
    }
  }

  /** Fails naming the option when a number is out of its range. */
  void validate() {
    OptionChecks.atLeast("--batch-size", batchSize, 1);
    OptionChecks.atLeast("--max-length", maxLength, 1);
    if (anchor != null && anchor.isEmpty()) {
      throw OptionChecks.bad("--anchor", "--anchor must not be empty");
    }
    if (maxNewTokens != null) {
      OptionChecks.atLeast("--max-new-tokens", maxNewTokens, 1);
    }
  }
}
