package io.github.lager.hf.architecture;

import io.github.lager.hf.architecture.ModelConfig.Activation;
import io.github.lager.hf.architecture.ModelConfig.Features;
import io.github.lager.hf.architecture.ModelConfig.NormForm;
import io.github.lager.hf.architecture.ModelConfig.Rope;
import java.util.List;

/**
 * Gemma 3's text model ({@code Gemma3ForCausalLM}, {@code model_type} {@code gemma3_text}; the
 * multimodal {@code Gemma3ForConditionalGeneration} is read through its text part, config under
 * {@code text_config}, weights under {@code language_model.}): embeddings scaled by sqrt(H),
 * RMSNorm as {@code (1 + w) x̂} in float32, q/k norms, four norms per layer (around attention and
 * around the MLP), a GELU-tanh gated MLP, query scale 1/sqrt({@code query_pre_attn_scalar}),
 * sliding-window layers ({@code layer_types}, else every {@code sliding_window_pattern}-th layer
 * global) with their own rotary base, tied embeddings. Attention logit softcapping (Gemma 2) is
 * refused; the final logit softcapping changes neither hidden states nor the greedy token, so it
 * is read and has no effect.
 */
final class Gemma3 extends Architecture {
  @Override
  public String name() {
    return "Gemma3";
  }

  @Override
  public List<String> modelTypes() {
    return List.of("gemma3_text", "gemma3");
  }

  @Override
  public List<String> classNames() {
    return List.of("Gemma3ForCausalLM", "Gemma3ForConditionalGeneration");
  }

  /** Gemma3TextConfig's defaults for what multimodal text_configs omit. */
  @Override
  protected java.util.Map<String, com.google.gson.JsonElement> defaults() {
    return java.util.Map.of(
        "num_attention_heads", new com.google.gson.JsonPrimitive(8),
        "num_key_value_heads", new com.google.gson.JsonPrimitive(4),
        "head_dim", new com.google.gson.JsonPrimitive(256),
        "query_pre_attn_scalar", new com.google.gson.JsonPrimitive(256),
        "rms_norm_eps", new com.google.gson.JsonPrimitive(1e-6),
        "hidden_activation", new com.google.gson.JsonPrimitive("gelu_pytorch_tanh"),
        "rope_theta", new com.google.gson.JsonPrimitive(1_000_000.0),
        "rope_local_base_freq", new com.google.gson.JsonPrimitive(10_000.0),
        "vocab_size", new com.google.gson.JsonPrimitive(262_208),
        "sliding_window", new com.google.gson.JsonPrimitive(4096));
  }

  @Override
  protected void refuse(ConfigJson c) {
    super.refuse(c);
    if (c.has("attn_logit_softcapping")) {
      throw c.error("attn_logit_softcapping " + c.number("attn_logit_softcapping")
          + " is not supported (lager's attention has no logit softcapping)");
    }
  }

  @Override
  protected String activationName() {
    return "gelu_pytorch_tanh";
  }

  @Override
  protected boolean tiedByDefault() {
    return true;
  }

  @Override
  protected Features features(ConfigJson c, int hidden, int headDim) {
    return new Features(NormForm.ONE_PLUS_WEIGHT, Activation.GELU_TANH, true, true,
        Math.sqrt(hidden), 1.0 / Math.sqrt(c.number("query_pre_attn_scalar")));
  }

  @Override
  protected String defaultLayerKinds(ConfigJson c, int layers) {
    int pattern = c.integer("sliding_window_pattern", c.integer("_sliding_window_pattern", 6));
    StringBuilder kinds = new StringBuilder();
    for (int i = 0; i < layers; i++) {
      kinds.append((i + 1) % pattern == 0 ? 'G' : 'S');
    }
    return kinds.toString();
  }

  @Override
  protected Rope rope(ConfigJson c, String layerType) {
    if (!c.has("rope_parameters") && layerType.equals("sliding_attention")) {
      // the older layout: local layers have their own base and no scaling
      return Rope.plain(c.number("rope_local_base_freq", 10000.0));
    }
    return super.rope(c, layerType);
  }

  @Override
  protected List<String> decoderPrefixes() {
    return List.of("model.", "language_model.model.", "model.language_model.");
  }

  @Override
  protected List<String> lmHeadNames() {
    return List.of("lm_head.weight", "language_model.lm_head.weight");
  }
}
