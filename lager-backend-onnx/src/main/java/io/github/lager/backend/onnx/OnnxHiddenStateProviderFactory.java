package io.github.lager.backend.onnx;

import io.github.lager.core.spi.HiddenStateProvider;
import io.github.lager.hf.ModelDirectory;
import io.github.lager.hf.backend.HiddenStateProviderFactory;
import io.github.lager.hf.backend.ProviderOptions;

/** Registers the ONNX Runtime backend ({@code onnx}) with {@link io.github.lager.hf.backend.Backends}. */
public final class OnnxHiddenStateProviderFactory implements HiddenStateProviderFactory {
  @Override
  public String name() {
    return "onnx";
  }

  /** Below DJL, the default backend. */
  @Override
  public int rank() {
    return 10;
  }

  @Override
  public String unavailableReason() {
    return HiddenStateProviderFactory.missingUnless("ai.onnxruntime.OrtEnvironment", "com.microsoft.onnxruntime:onnxruntime",
        getClass().getClassLoader());
  }

  @Override
  public HiddenStateProvider create(ModelDirectory model, ProviderOptions options) {
    return OnnxHiddenStateProvider.load(model, options);
  }
}
