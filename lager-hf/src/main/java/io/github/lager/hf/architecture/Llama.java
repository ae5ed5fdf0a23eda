package io.github.lager.hf.architecture;

import java.util.List;

/**
 * Llama 2, 3, 3.1 and 3.2 ({@code LlamaForCausalLM}): RMSNorm, grouped-query attention with
 * rotary embeddings ({@code default}, {@code linear} or {@code llama3} scaling), SwiGLU; biases
 * only when {@code attention_bias} / {@code mlp_bias} say so. The defaults of
 * {@link Architecture} are this family's.
 */
final class Llama extends Architecture {
  @Override
  public String name() {
    return "Llama";
  }

  @Override
  public List<String> modelTypes() {
    return List.of("llama");
  }

  @Override
  public List<String> classNames() {
    return List.of("LlamaForCausalLM");
  }
}
