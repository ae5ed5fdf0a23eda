package io.github.lager.backend.onnx;

import io.github.lager.core.io.Sha256;
import io.github.lager.core.spi.HiddenStateProvider;
import io.github.lager.hf.backend.HiddenStateProviderFactory;
import io.github.lager.hf.backend.ProviderOptions;
import io.github.lager.hf.model.ModelDirectory;
import java.util.Map;

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

  /**
   * The hash of an exported {@code model.onnx} when this backend would run it (the contract-v1
   * graph): a resume after the graph changed is refused. A built graph is a function of the
   * model's own fingerprint and lager's version, so it adds nothing.
   */
  @Override
  public Map<String, String> fingerprint(ModelDirectory model, ProviderOptions options) {
    return OnnxHiddenStateProvider.GraphKind.of(model, options)
        == OnnxHiddenStateProvider.GraphKind.CONTRACT_V1
        ? Map.of("model_onnx_sha256",
            Sha256.of(model.dir().resolve(OnnxHiddenStateProvider.GRAPH)))
        : Map.of();
  }

  @Override
  public HiddenStateProvider create(ModelDirectory model, ProviderOptions options) {
    return OnnxHiddenStateProvider.load(model, options);
  }
}
