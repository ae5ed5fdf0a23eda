package io.github.lager.backend.onnx;

import io.github.lager.core.spi.HiddenStateProvider;
import io.github.lager.core.spi.ProviderOptions;
import io.github.lager.testkit.HiddenStateProviderContract;
import java.nio.file.Path;
import java.util.Map;

/** The ONNX backend on the fixtures' reference graphs against the reference's golden outputs. */
class OnnxHiddenStateProviderTest extends HiddenStateProviderContract {
  @Override
  protected HiddenStateProvider create(Path modelDir) {
    return OnnxHiddenStateProvider.load(
        new ProviderOptions(modelDir, ProviderOptions.Device.CPU, Map.of()));
  }
}
