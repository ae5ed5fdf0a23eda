package io.github.lager.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.lager.core.TestData;
import io.github.lager.core.math.HiddenStates;
import io.github.lager.core.math.LabelTokens;
import io.github.lager.core.math.LayerLogits;
import io.github.lager.core.math.Projection;
import io.github.lager.core.math.ScoreHead;
import io.github.lager.hf.model.ModelDirectory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The score head a model directory gives (the LM-head rows of the score tokens, the embedding rows
 * for Gemma 3's tied head), applied to the reference's hidden states at the score position, gives
 * the reference's per-layer score logits, within 1e-4 x max(1, |golden|) plus the float32
 * rounding bound of the dot product ({@link Projection#float32ErrorBound}: Gemma 3's late layers
 * sum terms of thousands that cancel to logits near 0, where even the reference is 4e-4 off the
 * exact value).
 */
class ScoreHeadGoldenTest {
  static final double RELATIVE = 1e-4;

  @ParameterizedTest
  @ValueSource(strings = {"tiny-qwen2", "tiny-llama", "tiny-qwen3", "tiny-gemma3", "tiny-phi3"})
  void goldenHiddenStatesProjectToGoldenLogits(String model) {
    JsonObject golden = TestData.golden(model);
    int[] ids = golden.getAsJsonArray("score_token_ids").asList().stream()
        .mapToInt(JsonElement::getAsInt).toArray();
    ScoreHead head;
    try (ModelDirectory md = ModelDirectory.open(TestData.fixture(model))) {
      head = md.scoreHead(LabelTokens.oneToK(ids));
    }
    int traces = 0;
    for (JsonElement el : golden.getAsJsonArray("traces")) {
      JsonObject t = el.getAsJsonObject();
      if (!t.has("hidden_at_score") || t.get("hidden_at_score").isJsonNull()) {
        continue;
      }
      HiddenStates h = HiddenStates.of(TestData.matrix(t.getAsJsonArray("hidden_at_score")));
      assertThat(h.entries()).isEqualTo(golden.get("num_hidden_layers").getAsInt() + 1);
      LayerLogits z = Projection.project(h, head);
      float[][] expected = TestData.matrix(t.getAsJsonArray("lm_head_score_logits"));
      for (int l = 0; l < expected.length; l++) {
        for (int k = 0; k < expected[l].length; k++) {
          double e = expected[l][k];
          double tol = RELATIVE * Math.max(1, Math.abs(e)) + Projection.float32ErrorBound(h, head, l, k);
          assertThat((double) z.get(l, k)).as("%s trace %d entry %d score %d", model, traces, l, k)
              .isCloseTo(e, within(tol));
        }
      }
      traces++;
    }
    assertThat(traces).isGreaterThan(20);
  }
}
