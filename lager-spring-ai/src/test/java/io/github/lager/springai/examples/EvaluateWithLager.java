package io.github.lager.springai.examples;

import io.github.lager.springai.LagerEvaluator;
import java.nio.file.Path;
import java.util.List;
import org.springframework.ai.document.Document;
import org.springframework.ai.evaluation.EvaluationRequest;
import org.springframework.ai.evaluation.EvaluationResponse;

/**
 * A Spring AI evaluation scored by LAGER: a response to a question with its context, the
 * expected score on 1-5, pass at 3.5, and the distribution. Run by {@code ExamplesTest}.
 *
 * <pre>
 *   EvaluateWithLager MODEL_DIR
 * </pre>
 */
public final class EvaluateWithLager {
  private EvaluateWithLager() {}

  public static void main(String[] args) {
    try (LagerEvaluator evaluator = LagerEvaluator.builder().modelDirectory(Path.of(args[0]))
        .threshold(3.5).build()) {
      EvaluationResponse r = evaluator.evaluate(new EvaluationRequest("Who wrote Hamlet?",
          List.of(new Document("Hamlet is a tragedy by William Shakespeare.")), "Shakespeare."));
      if (Boolean.FALSE.equals(r.getMetadata().get("valid"))) { // no label written: no score
        System.out.println("no score: " + r.getMetadata().get("reason"));
        return;
      }
      System.out.printf("score %.4f, pass %s, distribution %s%n", r.getScore(), r.isPass(),
          r.getMetadata().get("distribution"));
    }
  }
}
