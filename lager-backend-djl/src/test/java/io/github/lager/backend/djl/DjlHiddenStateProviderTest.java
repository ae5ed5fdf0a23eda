package io.github.lager.backend.djl;

import io.github.lager.core.spi.HiddenStateProvider;
import io.github.lager.hf.backend.ProviderOptions;
import io.github.lager.testkit.HiddenStateProviderContract;
import io.github.lager.testkit.Providers;
import java.nio.file.Path;

/** The DJL backend on the CPU in float32 against the reference's golden outputs. */
class DjlHiddenStateProviderTest extends HiddenStateProviderContract {
  @Override
  protected HiddenStateProvider create(Path modelDir) {
    return Providers.load(DjlHiddenStateProvider::load, modelDir,
        ProviderOptions.of(ProviderOptions.Device.CPU, null));
  }
}
