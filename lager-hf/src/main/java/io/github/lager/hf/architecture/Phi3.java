package io.github.lager.hf.architecture;

import java.util.List;

/**
 * Phi-3 and Phi-4-mini ({@code Phi3ForCausalLM}): the Llama computation with fused tensors
 * ({@code qkv_proj} = q, k, v stacked; {@code gate_up_proj} = gate, up), rotary embeddings on the
 * leading {@code partial_rotary_factor} of each head, {@code longrope} scaling (read within
 * {@code original_max_position_embeddings}; longer sequences are refused), and a sliding window on
 * every layer when config.json sets {@code sliding_window}.
 */
final class Phi3 extends Architecture {
  @Override
  public String name() {
    return "Phi3";
  }

  @Override
  public List<String> modelTypes() {
    return List.of("phi3");
  }

  @Override
  public List<String> classNames() {
    return List.of("Phi3ForCausalLM");
  }

  @Override
  protected boolean fusedQkv() {
    return true;
  }

  @Override
  protected boolean fusedGateUp() {
    return true;
  }

  @Override
  protected String defaultLayerKinds(ConfigJson c, int layers) {
    return (c.has("sliding_window") ? "S" : "G").repeat(layers);
  }
}
