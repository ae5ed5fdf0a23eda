package io.github.lager.hf.backend;

import io.github.lager.core.BadOptionException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How a backend runs a judge model (the model itself is handed over parsed, as a {@link
 * io.github.lager.hf.model.ModelDirectory}).
 *
 * @param device where to run
 * @param dtype the compute dtype ({@code float32}, {@code float16}, {@code bfloat16}, lower case);
 *     empty: the backend's default for the device. A backend that cannot run the dtype refuses
 *     it; it never computes in another one.
 * @param properties backend-specific settings (documented by each backend)
 */
public record ProviderOptions(Device device, Optional<String> dtype, Map<String, String> properties) {
  /** The dtype names a backend may take, short forms included, each to its full name. */
  private static final Map<String, String> DTYPES = Map.of("float32", "float32", "fp32", "float32",
      "f32", "float32", "float", "float32", "float16", "float16", "fp16", "float16", "f16",
      "float16", "half", "float16", "bfloat16", "bfloat16", "bf16", "bfloat16");

  /** Where a provider runs. */
  public enum Device {
    /** A GPU when the backend sees one, else the CPU. */
    AUTO,
    CPU,
    GPU
  }

  public ProviderOptions {
    Objects.requireNonNull(device, "device");
    dtype = dtype.map(d -> d.trim().toLowerCase(Locale.ROOT)).filter(d -> !d.isEmpty());
    dtype.filter(d -> !DTYPES.containsKey(d)).ifPresent(d -> {
      throw new BadOptionException("--dtype", "--dtype " + d + ": not a dtype; use float32,"
          + " float16 or bfloat16");
    });
    properties = Map.copyOf(properties);
  }

  /**
   * The full name ({@code float32}, {@code float16} or {@code bfloat16}) of a dtype name in any
   * case, short forms included ({@code fp16}, {@code half}, {@code bf16}, ...); empty for a name
   * that is no dtype.
   */
  public static Optional<String> fullDtypeName(String name) {
    return Optional.ofNullable(DTYPES.get(name.trim().toLowerCase(Locale.ROOT)));
  }

  /** The backend's defaults: any device, its default dtype, no properties. */
  public static ProviderOptions defaults() {
    return new ProviderOptions(Device.AUTO, Optional.empty(), Map.of());
  }

  /** On {@code device} in {@code dtype} (null: the default), no properties. */
  public static ProviderOptions of(Device device, String dtype) {
    return new ProviderOptions(device, Optional.ofNullable(dtype), Map.of());
  }
}
