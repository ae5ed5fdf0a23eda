package io.github.lager.core.spi;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What a backend needs to load a judge model.
 *
 * @param modelDir the Hugging Face model directory (config.json, *.safetensors, tokenizer files)
 * @param device where to run
 * @param properties backend-specific settings (documented by each backend)
 */
public record ProviderOptions(Path modelDir, Device device, Map<String, String> properties) {
  /** Where a provider runs. */
  public enum Device {
    /** A GPU when the backend sees one, else the CPU. */
    AUTO,
    CPU,
    GPU
  }

  public ProviderOptions {
    Objects.requireNonNull(modelDir, "modelDir");
    Objects.requireNonNull(device, "device");
    properties = Map.copyOf(properties);
  }

  public static ProviderOptions of(Path modelDir) {
    return new ProviderOptions(modelDir, Device.AUTO, Map.of());
  }
}
