package io.github.lager.core.spi;

/**
 * A backend's cheap entry point, found by {@link java.util.ServiceLoader} (list the class in
 * {@code META-INF/services/io.github.lager.core.spi.HiddenStateProviderFactory}). Nothing heavy
 * happens until {@link #create}: no natives are loaded to answer {@link #isAvailable()}.
 *
 * <p>Selection: see {@link Backends#select(String)}.
 */
public interface HiddenStateProviderFactory {
  /** The backend's name as users type it ({@code djl}, {@code onnx}); lower case. */
  String name();

  /** Preference when no backend is named: the available factory of highest rank wins. */
  int rank();

  /** Whether this backend can run here (its runtime classes are present). */
  boolean isAvailable();

  /** Why {@link #isAvailable()} is false, for messages; empty when it is available. */
  default String unavailableReason() {
    return "";
  }

  /** Loads the model; the caller closes the provider. */
  HiddenStateProvider create(ProviderOptions options);
}
