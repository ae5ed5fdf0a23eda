package io.github.lager.cli;

import io.github.lager.core.io.IncrementalResults;
import io.github.lager.core.io.ScoredSample;
import io.github.lager.core.io.TemporaryDirectory;
import io.github.lager.core.math.ScoreMethod;
import io.github.lager.hf.run.ScoringRun;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lager judge}: score judge prompts and print every sample's scores. With no arguments it
 * runs the embedded default: the bundled tiny-llama checkpoint (random weights) on 8 bundled
 * judge prompts.
 */
@Command(name = "judge", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Score judge prompts and print each sample's direct score, E-score and LAGER"
        + " score.", "With no --model/--data: the bundled tiny-llama checkpoint (a random-weight"
        + " test model) on 8 bundled prompts, to show the pipeline end to end."})
final class JudgeCommand implements Callable<Integer> {
  static final String BUNDLED = "/io/github/lager/cli/judge/";
  static final String[] MODEL_FILES = {"config.json", "generation_config.json", "tokenizer.json",
      "tokenizer_config.json", "model.safetensors"};

  @Spec
  CommandSpec spec;

  @Option(names = "--model", paramLabel = "DIR", description = "Hugging Face model directory.")
  Path model;

  @Option(names = "--data", paramLabel = "FILE.jsonl", description = "Judge prompts (JSON Lines).")
  Path data;

  @Option(names = "--out", paramLabel = "RESULTS.json",
      description = "Also write the results, as `lager score` does (batch by batch; an existing"
          + " file is refused unless --resume or --overwrite).")
  Path out;

  @Option(names = "--resume",
      description = "Continue an interrupted run of --out (same model, data and options), as"
          + " `lager score --resume`.")
  boolean resume;

  @Mixin
  ScoringOptions options;

  @Override
  public Integer call() throws IOException {
    PrintWriter pw = spec.commandLine().getOut();
    if (resume && options.overwrite) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--resume and --overwrite are mutually exclusive: continue the earlier run, or replace it");
    }
    if (resume && out == null) {
      throw OptionChecks.bad("--resume", "--resume continues an interrupted run of --out: give"
          + " --out RESULTS.json");
    }
    // removed on every way out, a signal included
    try (TemporaryDirectory bundled = model == null || data == null
        ? TemporaryDirectory.create("lager-judge") : null) {
      return run(bundled == null ? null : bundled.path(), pw);
    }
  }

  private int run(Path tmp, PrintWriter pw) throws IOException {
    Path modelDir = model;
    Path prompts = data;
    if (tmp != null) {
      if (model == null) {
        modelDir = extract(tmp.resolve("tiny-llama"), "tiny-llama/", MODEL_FILES);
        pw.println("No --model: the bundled tiny-llama checkpoint (random weights: the scores show"
            + " the mechanics, not a judgment).");
      }
      if (data == null) {
        prompts = extract(tmp.resolve("prompts"), "", new String[] {"prompts.jsonl"})
            .resolve("prompts.jsonl");
        pw.println("No --data: 8 bundled judge prompts.");
      }
    }
    IncrementalResults.Mode mode = resume ? IncrementalResults.Mode.RESUME
        : options.overwrite ? IncrementalResults.Mode.OVERWRITE : IncrementalResults.Mode.NEW;
    ScoringRun.Result result = options.run(modelDir, prompts, out, spec.commandLine().getErr())
        .out(out, mode).command("lager judge").run();
    if (result.alreadyComplete()) {
      pw.println(out + " is already complete (" + result.completeSamples() + " samples, same"
          + " model, data and options): nothing to do");
      return SkippedExit.inputLines(result.skipped().size(), options.skipBad, pw);
    }
    print(result, pw);
    if (result.summary().kept() > 0) {
      pw.println("(the " + result.summary().kept() + " samples the earlier run scored are in "
          + out + ", not printed above)");
    }
    ScoringOptions.printSummary(result.summary(), out, pw);
    return SkippedExit.inputLines(result.skipped().size(), options.skipBad, pw);
  }

  /**
   * One line per sample: the main scores (tuned ones with --weights; argmax readouts by their
   * label) and the judge's output.
   */
  private static void print(ScoringRun.Result o, PrintWriter pw) {
    List<ScoreMethod> methods = ScoreMethod.MAIN.stream()
        .filter(m -> !m.isTuned() || o.weights() != null).toList();
    StringBuilder header = new StringBuilder(String.format("%6s %6s", "idx", "human"));
    methods.forEach(m -> header.append(String.format(" %13s", m.key())));
    pw.println(header + "  judge output");
    for (ScoredSample s : o.samples()) {
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%6d %6s", s.idx(),
          s.humanScore().map(h -> String.format(Locale.ROOT, "%.2f", h.mean())).orElse("-")));
      Map<ScoreMethod, Double> scores = s.scores(o.weights());
      for (ScoreMethod m : methods) {
        // an argmax readout is a label: printed as the judge writes it (A, B, ... or 4)
        String cell = !s.isValid() ? "-" : m.readout() == ScoreMethod.Readout.ARGMAX
            ? s.requireLabelSet().labelOf(scores.get(m))
            : String.format(Locale.ROOT, "%.4f", scores.get(m));
        line.append(String.format(" %13s", cell));
      }
      String output = o.outputs().getOrDefault(s.idx(), "").replace("\n", "\\n");
      if (output.length() > 40) {
        output = output.substring(0, 37) + "...";
      }
      pw.println(line + "  " + output + (s.isValid() ? "" : "  (no score token: invalid)"));
    }
  }

  private static Path extract(Path dir, String prefix, String[] files) throws IOException {
    Files.createDirectories(dir);
    for (String f : files) {
      try (InputStream in = JudgeCommand.class.getResourceAsStream(BUNDLED + prefix + f)) {
        if (in == null) {
          throw new IllegalStateException("bundled file " + prefix + f + " is missing from the jar");
        }
        Files.copy(in, dir.resolve(f));
      }
    }
    return dir;
  }
}
