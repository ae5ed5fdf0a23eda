package io.github.lager.cli;

import io.github.lager.core.io.IncrementalResults;
import io.github.lager.core.io.JudgeSamplesJsonl;
import io.github.lager.core.io.ScoredSample;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

  @Option(names = "--out", paramLabel = "RESULTS.json", description = "Also write the results.")
  Path out;

  @Mixin
  ScoringOptions options;

  @Override
  public Integer call() throws IOException {
    PrintWriter pw = spec.commandLine().getOut();
    Path tmp = null;
    Path modelDir = model;
    Path prompts = data;
    if (model == null || data == null) {
      tmp = Files.createTempDirectory("lager-judge");
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
    try {
      JudgeSamplesJsonl.Contents input = JudgeSamplesJsonl.read(prompts, options.failFast);
      input.problems().forEach(p -> spec.commandLine().getErr().println("skipped " + p));
      ScoringRun.Outcome outcome = ScoringRun.run(modelDir, prompts, input.samples(), out,
          options.overwrite ? IncrementalResults.Mode.OVERWRITE : IncrementalResults.Mode.NEW,
          options, spec.commandLine().getErr(), "lager judge");
      try {
        print(outcome, pw);
      } finally {
        outcome.model().close();
      }
      ScoringRun.printSummary(outcome.summary(), out, pw);
      return ScoreCommand.skippedExit(input.problems().size(), options.skipBad, pw);
    } finally {
      if (tmp != null) {
        deleteTree(tmp);
      }
    }
  }

  private static void print(ScoringRun.Outcome o, PrintWriter pw) {
    boolean tuned = o.weights() != null;
    pw.printf("%6s %6s %6s %8s %8s%s  %s%n", "idx", "human", "direct", "e_score", "lager_wo",
        tuned ? "  lager_w" : "", "judge output");
    for (ScoredSample s : o.samples()) {
      String human = s.humanScore().map(h -> String.format(Locale.ROOT, "%.2f", h.mean())).orElse("-");
      String output = s.generatedIds().map(ids -> o.model().tokenizer().decode(ids, true))
          .orElse("").replace("\n", "\\n");
      if (output.length() > 40) {
        output = output.substring(0, 37) + "...";
      }
      if (!s.isValid()) {
        pw.printf("%6d %6s %6s %8s %8s%s  %s  (no score token: invalid)%n", s.idx(), human, "-",
            "-", "-", tuned ? "        -" : "", output);
        continue;
      }
      Map<String, Double> extra = o.extraScores().get(s.idx());
      pw.printf(Locale.ROOT, "%6d %6s %6.0f %8.4f %8.4f%s  %s%n", s.idx(), human, s.directScore(),
          s.eScore(), extra.get("lager_wo"),
          tuned ? String.format(Locale.ROOT, " %8.4f", extra.get("lager_w")) : "", output);
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

  private static void deleteTree(Path root) {
    try (var walk = Files.walk(root)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
