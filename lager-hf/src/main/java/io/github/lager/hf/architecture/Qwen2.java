package io.github.lager.hf.architecture;

import java.util.List;

/**
 * Qwen2 and Qwen2.5 ({@code Qwen2ForCausalLM}): the Llama layout with biases on the q, k and v
 * projections (always) and none on the output projection. Qwen's sliding-window variant
 * ({@code use_sliding_window}) is read from {@code layer_types} when config.json has it, and
 * refused otherwise.
 */
class Qwen2 extends Architecture {
  @Override
  public String name() {
    return "Qwen2";
  }

  @Override
  public List<String> modelTypes() {
    return List.of("qwen2");
  }

  @Override
  public List<String> classNames() {
    return List.of("Qwen2ForCausalLM");
  }

  @Override
  protected boolean qkvBias(ConfigJson c) {
    return true;
  }

  @Override
  protected boolean outputBias(ConfigJson c) {
    return false;
  }

  @Override
  protected String defaultLayerKinds(ConfigJson c, int layers) {
    if (c.bool("use_sliding_window", false)) {
      throw c.error("use_sliding_window true without layer_types is not supported (lager does not"
          + " guess which layers max_window_layers makes sliding)");
    }
    return "G".repeat(layers);
  }
}
