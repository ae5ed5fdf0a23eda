package io.github.lager.cli;

import io.github.lager.core.io.JudgeSample;
import io.github.lager.core.io.JudgeSamplesJsonl;
import io.github.lager.core.pipeline.PromptBuilder;
import io.github.lager.hf.JudgeOptions;
import io.github.lager.hf.JudgePromptBuilder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lager render}: the final judge prompts, after the prompt template and the model's chat
 * template, exactly as {@code lager score} would run them (no backend is loaded).
 */
@Command(name = "render", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Print the judge prompts as the model will see them: each sample through the"
        + " prompt template (--template) and the model's chat template, with its token count;"
        + " with --pairwise both orders.")
final class RenderCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "DIR",
      description = "Hugging Face model directory (its chat template and tokenizer are used).")
  Path model;

  @Option(names = "--data", required = true, paramLabel = "FILE.jsonl",
      description = "Samples: rendered prompts, or fields with --template.")
  Path data;

  @Option(names = "--limit", paramLabel = "N",
      description = "Print the first N samples only (default: all).")
  Integer limit;

  @Option(names = "--skip-bad",
      description = "Unusable lines and samples are left out and listed either way; with this the"
          + " exit status is 0 rather than 3.")
  boolean skipBad;

  @Mixin
  PromptOptions prompts;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (limit != null && limit < 1) {
      OptionChecks.atLeast("--limit", limit, 1);
    }
    JudgeOptions options = PromptOptions.build(prompts.apply(JudgeOptions.builder()));
    JudgeSamplesJsonl.Contents input = JudgeSamplesJsonl.read(data, false, prompts.fieldBased());
    input.problems().forEach(p -> err.println("skipped " + p));
    List<String> problems = new ArrayList<>();
    try (JudgePromptBuilder judge = JudgePromptBuilder.open(model, options)) {
      out.printf("labels %s, %s, %s condition%s%n", judge.labelSet().describe(),
          options.template().map(t -> "template " + t.name()).orElse("rendered prompts"),
          options.pipeline().condition().name().toLowerCase(java.util.Locale.ROOT),
          options.pairwise() ? ", both orders" : "");
      int shown = 0;
      for (JudgeSample s : input.samples()) {
        if (limit != null && shown == limit) {
          break;
        }
        PromptBuilder.Prompts e;
        try {
          e = judge.encode(s);
        } catch (RuntimeException ex) {
          problems.add("idx " + s.idx() + ": " + ex.getMessage());
          err.println("skipped idx " + s.idx() + ": " + ex.getMessage());
          continue;
        }
        shown++;
        for (int o = 0; o < e.orders().size(); o++) {
          PromptBuilder.Prompt p = e.orders().get(o);
          out.printf("=== idx %d%s: %d tokens ===%n", s.idx(), e.orders().size() == 1 ? ""
              : o == 0 ? ", order (A, B)" : ", order (B, A), swapped", p.ids().length);
          out.println(p.chatText());
        }
      }
    }
    return SkippedExit.of(input.problems().size() + problems.size(), skipBad, out,
        n -> n + " unusable line" + (n == 1 ? " or sample was" : "s or samples were")
            + " left out (listed as \"skipped\")");
  }
}
