package io.github.lager.backend.djl;

import io.github.lager.core.spi.HiddenStateProvider;
import io.github.lager.hf.backend.HiddenStateProviderFactory;
import io.github.lager.hf.backend.ProviderOptions;
import io.github.lager.hf.model.ModelDirectory;

/** Registers the DJL backend ({@code djl}) with {@link io.github.lager.hf.backend.Backends}. */
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
  public HiddenStateProvider create(ModelDirectory model, ProviderOptions options) {
    return DjlHiddenStateProvider.load(model, options);
  }
}
