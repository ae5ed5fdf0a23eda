package io.github.lager.hf.architecture;

import java.util.List;

/**
 * Mistral ({@code MistralForCausalLM}): the Llama layout; every layer attends within
 * {@code sliding_window} when config.json sets one (v0.1; v0.3 sets none).
 */
final class Mistral extends Architecture {
  @Override
  public String name() {
    return "Mistral";
  }

  @Override
  public List<String> modelTypes() {
    return List.of("mistral");
  }

  @Override
  public List<String> classNames() {
    return List.of("MistralForCausalLM");
  }

  @Override
  protected String defaultLayerKinds(ConfigJson c, int layers) {
    return (c.has("sliding_window") ? "S" : "G").repeat(layers);
  }
}
