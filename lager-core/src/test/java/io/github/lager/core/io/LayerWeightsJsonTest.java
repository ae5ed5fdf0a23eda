package io.github.lager.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.lager.core.math.LayerWeights;
import java.io.StringReader;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class LayerWeightsJsonTest {
  @Test
  void plainWeightsRoundTrip() throws Exception {
    LayerWeights w = new LayerWeights(new double[] {0.25, 0.5, 0.25});
    StringWriter out = new StringWriter();
    LayerWeightsJson.write(out, w);
    assertThat(out.toString()).contains("\"entries\": 4");
    assertThat(LayerWeightsJson.read(new StringReader(out.toString()), "w.json")).isEqualTo(w);
  }

  @Test
  void badFilesAreNamed() {
    assertThatThrownBy(() -> LayerWeightsJson.read(new StringReader(
        "{\"format\": \"lager-layer-weights\", \"version\": 1, \"entries\": 33, \"weights\": [0.5, 0.5]}"),
        "w.json"))
        .hasMessage("w.json: field 'entries' is 33 but the file holds 2 weights; a model with L"
            + " hidden layers has L+1 entries and L weights");
    assertThatThrownBy(() -> LayerWeightsJson.read(new StringReader("{\"weights\": [1]}"), "w.json"))
        .hasMessageStartingWith("w.json: field 'format' must be \"lager-layer-weights\"");
    assertThatThrownBy(() -> LayerWeightsJson.read(new StringReader(
        "{\"format\": \"lager-layer-weights\", \"version\": 1, \"entries\": 3, \"weights\": [0.7, 0.7]}"),
        "w.json"))
        .hasMessageStartingWith("w.json: field 'weights' layer weights sum to 1.4");
    assertThatThrownBy(() -> LayerWeightsJson.read(new StringReader("{"), "w.json"))
        .hasMessageStartingWith("w.json: malformed JSON");
  }
}
