package io.github.lager.backend.onnx;

import io.github.lager.core.spi.HiddenStateProvider;
import io.github.lager.core.spi.ProviderOptions;
import io.github.lager.testkit.HiddenStateProviderContract;
import java.nio.file.Path;
import java.util.Map;

/**
 * The ONNX backend on the decoder graphs it builds from the fixtures' config.json and
 * safetensors (with the KV cache), against the reference's golden outputs: the fixtures' own
 * {@code model.onnx} is ignored ({@code graph=built}).
 */
class BuiltGraphProviderTest extends HiddenStateProviderContract {
  @Override
  protected HiddenStateProvider create(Path modelDir) {
    return OnnxHiddenStateProvider.load(
        new ProviderOptions(modelDir, ProviderOptions.Device.CPU, Map.of("graph", "built")));
  }
}
