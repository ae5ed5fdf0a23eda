package io.github.lager.cli;

import io.github.lager.core.InvalidInputException;
import io.github.lager.core.math.LabelSet;
import io.github.lager.core.math.LabelSetSyntax;
import io.github.lager.hf.JudgeOptions;
import io.github.lager.hf.template.JinjaPromptTemplate;
import picocli.CommandLine.Option;

/**
 * The options that decide a judge's prompts and labels, shared by `lager score`, `lager judge`
 * and `lager render`: the label set, the prompt template, the condition, pairwise judging and the
 * tokenizer's special tokens.
 */
final class PromptOptions {
  @Option(names = "--labels", paramLabel = "LABELS",
      description = "The judge's labels, each one token: a list (0,1,2 or A,B,C) or a range (1-9);"
          + " each is worth its own number unless --values (default: the template's labels, else"
          + " 1-5). Pairwise: labels valued 0 (A better), 1 (tie), 2 (B better).")
  String labels;

  @Option(names = "--values", paramLabel = "NUMBERS",
      description = "One number per label, in order (--labels A,B,C --values 1,2,3): what an"
          + " expectation averages and an argmax returns.")
  String values;

  @Option(names = "--points", paramLabel = "N",
      description = "Shorthand for --labels 1-N.")
  Integer points;

  @Option(names = "--template", paramLabel = "NAME|FILE",
      description = "Render each line's fields (instruction, response, rubric, reference,"
          + " response_a, response_b, ...) with a built-in template (absolute, pairwise, emotion,"
          + " answerability) or a Jinja file; without it each line holds its rendered prompt"
          + " (user_prompt, user_prompt_feedback).")
  String template;

  @Option(names = "--reasoning",
      description = "Reasoning condition: the judge writes feedback, then the score"
          + " (user_prompt_feedback, or the template's reasoning variant); 256 new tokens.")
  boolean reasoning;

  @Option(names = "--pairwise",
      description = "Judge every sample twice, with response_a and response_b in both orders;"
          + " the swapped order's labels are mapped back and averaged. Needs --template and a"
          + " pairwise label set.")
  boolean pairwise;

  @Option(names = "--no-special-tokens",
      description = "Tokenize the templated prompt without the tokenizer's special tokens (the"
          + " reference adds them: a second <|begin_of_text|> for Llama-3).")
  boolean noSpecialTokens;

  /** The label set given by --labels/--values or --points; null when neither was given. */
  LabelSet labelSet() {
    if (labels != null && points != null) {
      throw OptionChecks.bad("--labels", "--labels and --points both give the label set;"
          + " --points N is --labels 1-N, use one");
    }
    if (values != null && labels == null) {
      throw OptionChecks.bad("--values", "--values gives the values of --labels, which is"
          + " missing");
    }
    if (labels != null) {
      try {
        return LabelSetSyntax.parse(labels, values);
      } catch (IllegalArgumentException | io.github.lager.core.InvalidInputException e) {
        throw OptionChecks.bad("--labels", e.getMessage().startsWith("--labels") ? e.getMessage()
            : "--labels " + labels + (values == null ? "" : " --values " + values) + ": "
                + e.getMessage());
      }
    }
    if (points != null) {
      if (points < 2) {
        throw OptionChecks.bad("--points", "--points must be at least 2, found " + points);
      }
      return LabelSet.of(points);
    }
    return null;
  }

  /** --template, resolved; null without it. */
  JinjaPromptTemplate promptTemplate() {
    return template == null ? null : JinjaPromptTemplate.resolve(template);
  }

  /** Whether the input lines are fields for a template rather than rendered prompts. */
  boolean fieldBased() {
    return template != null;
  }

  /**
   * Builds the judge's options; a combination they refuse (--pairwise without a template or a
   * pairwise label set) is a usage error.
   */
  static JudgeOptions build(JudgeOptions.Builder b) {
    try {
      return b.build();
    } catch (IllegalArgumentException | io.github.lager.core.InvalidInputException e) {
      throw OptionChecks.bad("--pairwise", e.getMessage());
    }
  }

  /** Sets these options on a judge's builder. */
  JudgeOptions.Builder apply(JudgeOptions.Builder b) {
    return b.labelSet(labelSet()).template(promptTemplate()).pairwise(pairwise)
        .condition(reasoning ? io.github.lager.core.pipeline.Condition.REASONING
            : io.github.lager.core.pipeline.Condition.DIRECT)
        .addSpecialTokens(!noSpecialTokens);
  }
}
