package io.github.lager.langchain4j.examples;

import dev.langchain4j.model.decision.request.DecisionRequest;
import dev.langchain4j.model.decision.request.ScaleQuestion;
import dev.langchain4j.model.decision.response.DecisionResponse;
import dev.langchain4j.model.decision.response.ScaleAnswer;
import io.github.lager.langchain4j.LagerDecisionMetadata;
import io.github.lager.langchain4j.LagerDecisionModel;
import java.nio.file.Path;
import java.util.List;

/**
 * A LangChain4j decision answered by LAGER: a 1-5 scale question on a question/answer pair, its
 * distribution over the levels and the mean level. Run by {@code ExamplesTest}.
 *
 * <pre>
 *   DecideWithLager MODEL_DIR
 * </pre>
 */
public final class DecideWithLager {
  private DecideWithLager() {}

  public static void main(String[] args) {
    try (LagerDecisionModel model = LagerDecisionModel.builder().modelDirectory(Path.of(args[0]))
        .build()) {
      DecisionResponse r = model.decide(DecisionRequest.builder()
          .input("Q: Who wrote Hamlet?\nA: Shakespeare.")
          .question("quality", ScaleQuestion.from("How correct is the answer?",
              List.of("1", "2", "3", "4", "5")))
          .build());
      if (r.isRefused("quality")) { // the judge wrote no level: no answer is made up
        System.out.println("quality: no level written: "
            + ((LagerDecisionMetadata) r.metadata()).answer("quality").generatedText());
        return;
      }
      ScaleAnswer quality = r.scale("quality");
      // LangChain4j's mean is a level index (0 = "1", 4 = "5")
      System.out.printf("quality: level %s (mean index %.4f), probabilities %s%n",
          1 + Math.round(quality.mean()), quality.mean(), quality.probabilities());
    }
  }
}
