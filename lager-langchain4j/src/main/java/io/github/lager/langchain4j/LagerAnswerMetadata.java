package io.github.lager.langchain4j;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What lager adds to one question's answer: how it was read and whether the judge wrote a label
 * at all.
 *
 * @param valid whether the judge generated one of the question's labels (levels, options, yes/no);
 *     when false the answer is a {@code RefusalAnswer}, never a made-up distribution. A pairwise
 *     choice is valid only when both orders have a label.
 * @param scoreMethod the key of the {@code ScoreMethod} the probabilities were read with
 *     ({@code lager_wo}: LAGER without tuning, the default)
 * @param weights where the layer weights come from: {@code uniform} (LAGER without tuning) or the
 *     tuned weights' provenance
 * @param positionSwapped whether the choice was judged in both orders (pairwise, position swap)
 * @param prompt the judge prompt (before the chat template) as rendered from the request
 * @param generatedText what the judge generated (special tokens left out), in the order (A, B)
 *     for a pairwise choice
 * @param scores every score lager computes for the sample, by key ({@code direct_score},
 *     {@code e_score}, {@code lager_wo}, the ablations, {@code lager_w} with tuned weights), on
 *     the values the adapter gives the labels (a level's or an option's index, yes = 1, no = 0);
 *     for a pairwise choice those of the order (A, B) (the answer's probabilities are both orders
 *     averaged); empty when not valid
 * @param finalLabelMass the probability mass the final layer put on the question's labels at the
 *     score step (the full-vocabulary softmax summed over the label tokens): a validity signal, low
 *     when the judge meant to write something else there; for a pairwise choice that of the order
 *     (A, B); empty when not valid or when the backend cannot tell (a contract-v1 {@code
 *     model.onnx})
 */
public record LagerAnswerMetadata(boolean valid, String scoreMethod, String weights,
    boolean positionSwapped, String prompt, String generatedText, Map<String, Double> scores,
    OptionalDouble finalLabelMass) {
  public LagerAnswerMetadata {
    Objects.requireNonNull(scoreMethod, "scoreMethod");
    Objects.requireNonNull(weights, "weights");
    Objects.requireNonNull(prompt, "prompt");
    Objects.requireNonNull(generatedText, "generatedText");
    scores = Map.copyOf(scores);
    Objects.requireNonNull(finalLabelMass, "finalLabelMass");
  }

  /** The score {@code key}, when computed. */
  public Optional<Double> score(String key) {
    return Optional.ofNullable(scores.get(key));
  }
}
