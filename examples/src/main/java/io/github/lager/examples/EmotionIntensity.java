package io.github.lager.examples;

import io.github.lager.core.io.JudgeSamplesJsonl;
import io.github.lager.core.io.ScoredSample;
import io.github.lager.core.math.ScoreMethod;
import io.github.lager.core.pipeline.ScoringSummary;
import io.github.lager.eval.Evaluation;
import io.github.lager.eval.EvaluationReport;
import io.github.lager.hf.Judge;
import io.github.lager.hf.JudgeOptions;
import io.github.lager.hf.template.JinjaPromptTemplate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Emotional understanding on a 1-9 scale (the paper's EQ-Bench transfer): the built-in
 * {@code emotion} template asks how intensely a character of a short dialogue feels an emotion,
 * the judge answers 1-9, and each score is correlated with the human ratings. The bundled items
 * ({@code emotion-items.jsonl}: dialogue, character, emotion, three ratings) are EQ-Bench-style,
 * written for lager.
 *
 * <pre>
 *   EmotionIntensity MODEL_DIR ITEMS.jsonl
 * </pre>
 */
public final class EmotionIntensity {
  private EmotionIntensity() {}

  public static void main(String[] args) {
    if (args.length != 2) {
      System.err.println("usage: EmotionIntensity MODEL_DIR ITEMS.jsonl");
      System.exit(2);
    }
    // the emotion template's labels are 1-9; fields are rendered, not read as rendered prompts
    JudgeOptions options = JudgeOptions.builder().template(JinjaPromptTemplate.builtIn("emotion"))
        .build();
    List<ScoredSample> scored = new ArrayList<>();
    try (Judge judge = Judge.open(Path.of(args[0]), options)) {
      ScoringSummary s = judge.score(JudgeSamplesJsonl.read(Path.of(args[1]), true, true)
          .samples(), scored::add);
      System.out.printf("%d items on the labels %s: %d scored, %d without a score token%n",
          s.samples(), judge.labelSet().describe(), s.scored(), s.noScoreToken());
    }
    List<ScoreMethod> untuned = List.of(ScoreMethod.DIRECT_SCORE, ScoreMethod.E_SCORE,
        ScoreMethod.LAGER_WO);
    EvaluationReport r = Evaluation.evaluate(scored, untuned, null, null);
    r.rows().forEach((m, c) -> System.out.printf(Locale.ROOT,
        "%-13s spearman %7.4f  pearson %7.4f%n", m.key(), c.spearman(), c.pearson()));
  }
}
