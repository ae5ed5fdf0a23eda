package io.github.lager.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.lager.core.TestData;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Against scipy: the expected numbers come from tools/golden/make_correlation_golden.py
 * (scipy.stats.pearsonr / spearmanr / kendalltau), checked in as golden/correlations.json.
 */
class CorrelationTest {
  static final double TOLERANCE = 1e-9;

  @Test
  void equalsScipyOnInputsWithTies() throws Exception {
    Path file = Path.of(getClass().getResource("/golden/correlations.json").toURI());
    List<JsonElement> cases = TestData.readJson(file).getAsJsonObject().getAsJsonArray("cases").asList();
    assertThat(cases).hasSizeGreaterThanOrEqualTo(6);
    for (JsonElement el : cases) {
      JsonObject c = el.getAsJsonObject();
      double[] x = TestData.doubles(c.getAsJsonArray("x"));
      double[] y = TestData.doubles(c.getAsJsonArray("y"));
      String name = c.get("name").getAsString();
      assertThat(Correlation.pearson(x, y)).as("pearson, %s (tolerance %s)", name, TOLERANCE)
          .isCloseTo(c.get("pearson").getAsDouble(), within(TOLERANCE));
      assertThat(Correlation.spearman(x, y)).as("spearman, %s", name)
          .isCloseTo(c.get("spearman").getAsDouble(), within(TOLERANCE));
      assertThat(Correlation.kendallTauB(x, y)).as("kendall tau-b, %s", name)
          .isCloseTo(c.get("kendall_tau_b").getAsDouble(), within(TOLERANCE));
    }
  }

  @Test
  void constantInputHasNoCorrelation() {
    assertThat(Correlation.pearson(new double[] {1, 1, 1}, new double[] {1, 2, 3})).isNaN();
  }

  @Test
  void badInputIsRefused() {
    assertThatThrownBy(() -> Correlation.spearman(new double[] {1, 2}, new double[] {1}))
        .hasMessageContaining("got 2 and 1");
    assertThatThrownBy(() -> Correlation.pearson(new double[] {1}, new double[] {1}))
        .hasMessageContaining("at least 2");
    assertThatThrownBy(() -> Correlation.kendallTauB(new double[] {1, Double.NaN}, new double[] {1, 2}))
        .hasMessageContaining("input 1 is not finite");
  }
}
