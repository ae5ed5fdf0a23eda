package io.github.lager.backend.djl;

import io.github.lager.core.spi.HiddenStateProvider;
import io.github.lager.core.spi.HiddenStateProviderFactory;
import io.github.lager.core.spi.ProviderOptions;

/** Registers the DJL backend ({@code djl}) with {@link io.github.lager.core.spi.Backends}. */
public final class DjlHiddenStateProviderFactory implements HiddenStateProviderFactory {
  @Override
  public String name() {
    return "djl";
  }

  @Override
  public int rank() {
    return 20;
  }

  @Override
  public String unavailableReason() {
    return HiddenStateProviderFactory.missingUnless("ai.djl.pytorch.engine.PtEngineProvider", "ai.djl.pytorch:pytorch-engine",
        getClass().getClassLoader());
  }

  @Override
  public HiddenStateProvider create(ProviderOptions options) {
    return DjlHiddenStateProvider.load(options);
  }
}
