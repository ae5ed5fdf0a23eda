package io.github.lager.backend.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.lager.core.io.Sha256;
import io.github.lager.hf.backend.ProviderOptions;
import io.github.lager.hf.model.ModelDirectory;
import io.github.lager.testkit.GoldenFixture;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The onnx backend adds the exported graph's hash to a run's manifest only when it runs it. */
class OnnxFingerprintTest {
  @Test
  void anExportedGraphIsFingerprintedOnlyWhenItRuns() {
    Path dir = GoldenFixture.fixturesDir().resolve("tiny-qwen2");
    OnnxHiddenStateProviderFactory onnx = new OnnxHiddenStateProviderFactory();
    try (ModelDirectory model = ModelDirectory.open(dir)) {
      assertThat(onnx.fingerprint(model, ProviderOptions.defaults())).containsExactly(
          Map.entry("model_onnx_sha256", Sha256.of(dir.resolve(OnnxHiddenStateProvider.GRAPH))));
      ProviderOptions built = new ProviderOptions(ProviderOptions.Device.CPU, Optional.empty(),
          Map.of("graph", "built"));
      assertThat(onnx.fingerprint(model, built)).isEmpty();
    }
  }
}
