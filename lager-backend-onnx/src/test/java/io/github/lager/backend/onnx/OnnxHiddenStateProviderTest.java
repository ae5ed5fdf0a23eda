package io.github.lager.backend.onnx;

import io.github.lager.core.spi.HiddenStateProvider;
import io.github.lager.hf.backend.ProviderOptions;
import io.github.lager.testkit.HiddenStateProviderContract;
import io.github.lager.testkit.Providers;
import java.nio.file.Path;

/** The ONNX backend on the fixtures' reference graphs against the reference's golden outputs. */
class OnnxHiddenStateProviderTest extends HiddenStateProviderContract {
  @Override
  protected HiddenStateProvider create(Path modelDir) {
    return Providers.load(OnnxHiddenStateProvider::load, modelDir,
        ProviderOptions.of(ProviderOptions.Device.CPU, null));
  }

  /** The fixtures' contract-v1 graphs output no log-sum-exp. */
  @Override
  protected boolean reportsFinalLogSumExp() {
    return false;
  }
}
