package io.github.lager.hf.backend;

import io.github.lager.core.spi.HiddenStateProvider;
import io.github.lager.hf.model.ModelDirectory;

/** Two factories registered through META-INF/services, to test discovery and ranking. */
public final class TestFactories {
  private TestFactories() {}

  abstract static class Base implements HiddenStateProviderFactory {
    @Override
    public boolean isAvailable() {
      return true;
    }

    @Override
    public HiddenStateProvider create(ModelDirectory model, ProviderOptions options) {
      throw new UnsupportedOperationException("discovery test");
    }
  }

  public static final class Low extends Base {
    @Override
    public String name() {
      return "test-low";
    }

    @Override
    public int rank() {
      return 1;
    }
  }

  public static final class High extends Base {
    @Override
    public String name() {
      return "test-high";
    }

    @Override
    public int rank() {
      return 2;
    }
  }
}
