package io.github.lager.hf.backend;

import io.github.lager.core.spi.HiddenStateProvider;
import io.github.lager.hf.model.ModelDirectory;

/**
 * A backend's cheap entry point, found by {@link java.util.ServiceLoader} (list the class in
 * {@code META-INF/services/io.github.lager.hf.backend.HiddenStateProviderFactory}). Nothing heavy
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
  default boolean isAvailable() {
    return unavailableReason().isEmpty();
  }

  /** Why {@link #isAvailable()} is false, for messages; empty when it is available. */
  default String unavailableReason() {
    return "";
  }

  /**
   * For {@link #unavailableReason()}: empty when {@code className} can be loaded (without
   * initialising it, so no natives load), else which artifact is missing.
   */
  static String missingUnless(String className, String artifact, ClassLoader loader) {
    try {
      Class.forName(className, false, loader);
      return "";
    } catch (ClassNotFoundException e) {
      return artifact + " is not on the class path";
    }
  }

  /**
   * The hashes of the files beyond {@code model}'s own fingerprint ({@link
   * ModelDirectory#fingerprint()}) that this backend would read with {@code options}, keyed by
   * manifest field: a scoring run adds them to its manifest, so a resume refuses a changed file.
   * Cheap: nothing is loaded. Default: none.
   */
  default java.util.Map<String, String> fingerprint(ModelDirectory model, ProviderOptions options) {
    return java.util.Map.of();
  }

  /**
   * Loads the model: {@code model} is already parsed and checked (config.json against the
   * checkpoint's tensors), and stays the caller's to close; the backend reads its config, layout
   * and tensors from it and parses no file of the directory again. The caller closes the provider.
   */
  HiddenStateProvider create(ModelDirectory model, ProviderOptions options);
}
