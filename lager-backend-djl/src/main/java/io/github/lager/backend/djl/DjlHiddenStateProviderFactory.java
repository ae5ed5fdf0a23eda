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
  public boolean isAvailable() {
    return unavailableReason().isEmpty();
  }

  @Override
  public String unavailableReason() {
    try {
      Class.forName("ai.djl.pytorch.engine.PtEngineProvider", false, getClass().getClassLoader());
      return "";
    } catch (ClassNotFoundException e) {
      return "ai.djl.pytorch:pytorch-engine is not on the class path";
    }
  }

  @Override
  public HiddenStateProvider create(ProviderOptions options) {
    return DjlHiddenStateProvider.load(options);
  }
}
