package io.github.lager.cli;

import io.github.lager.core.io.JudgeSamplesJsonl;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lager score}: judge prompts (the reference's JSON Lines) through a Hugging Face judge
 * model, written in the reference's results format plus {@code generated_ids},
 * {@code score_step} and {@code lager_wo} (and {@code lager_w} with {@code --weights}).
 */
@Command(name = "score", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Score judge prompts with a Hugging Face judge model and write results in the"
        + " reference's format (loadable by its evaluation.py and by `lager evaluate`).")
final class ScoreCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "DIR",
      description = "Hugging Face model directory (config.json, *.safetensors, tokenizer files).")
  Path model;

  @Option(names = "--data", required = true, paramLabel = "FILE.jsonl",
      description = "Judge prompts: user_prompt, user_prompt_feedback, score per line.")
  Path data;

  @Option(names = "--out", required = true, paramLabel = "RESULTS.json",
      description = "Results file; written incrementally to RESULTS.json.partial.jsonl while running.")
  Path out;

  @Option(names = "--resume", description = "Continue an interrupted run of --out.")
  boolean resume;

  @Mixin
  ScoringOptions options;

  @Override
  public Integer call() {
    PrintWriter pw = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    JudgeSamplesJsonl.Contents input = JudgeSamplesJsonl.read(data, options.failFast);
    for (String problem : input.problems()) {
      err.println("skipped " + problem);
    }
    ScoringRun.Outcome outcome = ScoringRun.run(model, input.samples(), out, resume, options, err);
    outcome.model().close();
    ScoringRun.printSummary(outcome.summary(), out, pw);
    return 0;
  }
}
