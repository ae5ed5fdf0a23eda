package io.github.lager.hf.architecture;

import io.github.lager.hf.architecture.ModelConfig.Activation;
import io.github.lager.hf.architecture.ModelConfig.Features;
import io.github.lager.hf.architecture.ModelConfig.NormForm;
import java.util.List;

/**
 * Qwen3 ({@code Qwen3ForCausalLM}): the Llama layout with an RMSNorm on each query and key head
 * before the rotary embedding ({@code q_norm}, {@code k_norm}), a {@code head_dim} of its own (not
 * hidden / heads) and no biases unless {@code attention_bias}.
 */
final class Qwen3 extends Qwen2 {
  @Override
  public String name() {
    return "Qwen3";
  }

  @Override
  public List<String> modelTypes() {
    return List.of("qwen3");
  }

  @Override
  public List<String> classNames() {
    return List.of("Qwen3ForCausalLM");
  }

  @Override
  protected boolean qkvBias(ConfigJson c) {
    return c.bool("attention_bias", false);
  }

  @Override
  protected boolean outputBias(ConfigJson c) {
    return c.bool("attention_bias", false);
  }

  @Override
  protected Features features(ConfigJson c, int hidden, int headDim) {
    return new Features(NormForm.WEIGHT, Activation.SILU, true, false, 1.0, 1.0 / Math.sqrt(headDim));
  }
}
