package io.github.lager.cli;

import io.github.lager.core.io.IncrementalResults;
import io.github.lager.hf.run.ScoringRun;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
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
      description = "Results file, written at the end in order of idx; while running, each batch"
          + " is appended to RESULTS.json.partial.jsonl (headed by the run's manifest) and forced"
          + " to disk. An existing file is refused unless --resume or --overwrite.")
  Path out;

  @Option(names = "--resume",
      description = "Continue an interrupted run of --out: only with the same model, data and"
          + " options (the manifest; the first difference is named), scoring only the batches"
          + " not on disk. On a finished --out with the same manifest it does nothing.")
  boolean resume;

  @Mixin
  ScoringOptions options;

  @Override
  public Integer call() {
    PrintWriter pw = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (resume && options.overwrite) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--resume and --overwrite are mutually exclusive: continue the earlier run, or replace it");
    }
    IncrementalResults.Mode mode = resume ? IncrementalResults.Mode.RESUME
        : options.overwrite ? IncrementalResults.Mode.OVERWRITE : IncrementalResults.Mode.NEW;
    ScoringRun.Result result = options.run(model, data, out, err).out(out, mode)
        .command("lager score").keepSamples(false).run();
    if (result.alreadyComplete()) {
      pw.println(out + " is already complete (" + result.completeSamples() + " samples, same"
          + " model, data and options): nothing to do");
    } else {
      ScoringOptions.printSummary(result.summary(), out, pw);
    }
    return SkippedExit.inputLines(result.skipped().size(), options.skipBad, pw);
  }
}
