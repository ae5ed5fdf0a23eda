package io.github.lager.core.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.lager.core.TestData;
import io.github.lager.core.io.ScoredSample;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every score of docs/method.md section 2, from the golden logits of the fixtures, against the
 * values the published reference code computed (golden.json: batch1, eval_uniform, eval_random).
 */
class GoldenScoresTest {
  /** The reference computes in float32; lager in double. */
  static final double TOLERANCE = 1e-5;

  @ParameterizedTest
  @MethodSource("io.github.lager.core.TestData#models")
  void evalRowsMatchTheReference(String model) {
    JsonObject golden = TestData.golden(model);
    Map<Integer, LayerLogits> logits = validLogits(golden);
    int checked = 0;
    for (String eval : new String[] {"eval_uniform", "eval_random"}) {
      JsonObject e = golden.getAsJsonObject(eval);
      LayerWeights w = new LayerWeights(TestData.doubles(e.getAsJsonArray("weights")));
      assertThat(w.entries()).isEqualTo(golden.get("num_hidden_layers").getAsInt() + 1);
      for (JsonElement rowElement : e.getAsJsonArray("rows")) {
        JsonObject row = rowElement.getAsJsonObject();
        LayerLogits z = logits.get(row.get("idx").getAsInt());
        for (String key : row.keySet()) {
          if (key.equals("idx")) {
            continue;
          }
          ScoreMethod m = ScoreMethod.byKey(key);
          assertThat(m.score(z, w))
              .as("%s %s idx %s %s (tolerance %s)", model, eval, row.get("idx"), key, TOLERANCE)
              .isCloseTo(row.get(key).getAsDouble(), within(TOLERANCE));
          checked++;
        }
      }
    }
    // 8 scores per valid sample, twice: all of the reference's ablation columns are covered.
    assertThat(checked).isEqualTo(2 * 8 * logits.size());
  }

  @ParameterizedTest
  @MethodSource("io.github.lager.core.TestData#models")
  void directAndEScoreMatchBatch1(String model) {
    for (JsonElement el : TestData.golden(model).getAsJsonArray("batch1")) {
      JsonObject b = el.getAsJsonObject();
      if (!b.get("valid").getAsBoolean()) {
        continue;
      }
      LayerLogits z = TestData.logits(b);
      ScoredSample s = ScoredSample.fromLogits(b.get("idx").getAsLong(), null, null, z, null, null);
      assertThat(s.directScore()).isEqualTo(b.get("direct_score").getAsDouble());
      assertThat(s.eScore()).isCloseTo(b.get("weighted_score").getAsDouble(), within(TOLERANCE));
      assertThat(ScoreMethod.DIRECT_SCORE.score(z, null)).isEqualTo(s.directScore());
      assertThat(ScoreMethod.E_SCORE.score(z, null)).isCloseTo(s.eScore(), within(1e-12));
    }
  }

  static Map<Integer, LayerLogits> validLogits(JsonObject golden) {
    Map<Integer, LayerLogits> out = new HashMap<>();
    for (JsonElement el : golden.getAsJsonArray("batch1")) {
      JsonObject b = el.getAsJsonObject();
      if (b.get("valid").getAsBoolean()) {
        out.put(b.get("idx").getAsInt(), TestData.logits(b));
      }
    }
    return out;
  }
}
