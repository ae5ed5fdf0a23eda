package io.github.lager.testkit;

import io.github.lager.core.spi.HiddenStateProvider;
import io.github.lager.hf.backend.ProviderOptions;
import io.github.lager.hf.model.ModelDirectory;
import java.nio.file.Path;
import java.util.function.BiFunction;

/** Loads a backend's provider for a test straight from a model directory. */
public final class Providers {
  private Providers() {}

  /**
   * Opens {@code dir}, loads the provider with {@code load} (a backend's {@code load(ModelDirectory,
   * ProviderOptions)}) and closes the directory: a provider holds what it loaded, not the files.
   */
  public static <P extends HiddenStateProvider> P load(
      BiFunction<ModelDirectory, ProviderOptions, P> load, Path dir, ProviderOptions options) {
    try (ModelDirectory model = ModelDirectory.open(dir)) {
      return load.apply(model, options);
    }
  }
}
