package io.github.lager.backend.onnx;

import io.github.lager.core.spi.HiddenStateProvider;
import io.github.lager.hf.backend.ProviderOptions;
import io.github.lager.testkit.HiddenStateProviderContract;
import io.github.lager.testkit.Providers;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The ONNX backend on the decoder graphs it builds from the fixtures' config.json and
 * safetensors (with the KV cache), against the reference's golden outputs: the fixtures' own
 * {@code model.onnx} is ignored ({@code graph=built}).
 */
class BuiltGraphProviderTest extends HiddenStateProviderContract {
  /**
   * On the CPU, the built graph even where the fixture has a model.onnx, with prefill chunks of
   * 64 positions (the golden prompts take two to four; single-chunk prefills run elsewhere).
   */
  static final ProviderOptions BUILT = new ProviderOptions(ProviderOptions.Device.CPU,
      Optional.empty(), Map.of("graph", "built", "prefill_chunk", "64"));

  @Override
  protected HiddenStateProvider create(Path modelDir) {
    return Providers.load(OnnxHiddenStateProvider::load, modelDir, BUILT);
  }
}
