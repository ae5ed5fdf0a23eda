package io.github.lager.hf.architecture;

import io.github.lager.hf.architecture.ModelConfig.Activation;
import io.github.lager.hf.architecture.ModelConfig.Features;
import io.github.lager.hf.architecture.ModelConfig.NormForm;
import io.github.lager.hf.architecture.ModelConfig.Rope;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A family of decoder-only judge models (Llama, Qwen2, Qwen3, Mistral, Gemma 3, Phi-3): how its
 * {@code config.json} reads, what its forward pass does differently ({@link Features}), and what
 * its checkpoint's tensors are called ({@link #layout}). The registry {@link Architectures} finds
 * the family of a config by {@code model_type}; everything that needs tensor names or features
 * (the DJL decoder, the score head, the ONNX contract check, synthetic checkpoints, the tests)
 * asks the family. Adding a family is one subclass plus its entry in {@link Architectures} and a
 * fixture (docs/adding-an-architecture.md).
 *
 * <p>The defaults here are the Llama family's; a subclass overrides what differs. A feature lager
 * does not implement is refused by name ({@link #refuse}), never approximated.
 */
public abstract class Architecture {
  private static final String LAYER = "layers.";

  /** A short name, e.g. {@code Llama}. */
  public abstract String name();

  /** The {@code model_type} values of this family. */
  public abstract List<String> modelTypes();

  /** The {@code architectures} class names of this family, e.g. {@code LlamaForCausalLM}. */
  public abstract List<String> classNames();

  /** Reads the text model's {@code config.json} object into a {@link ModelConfig}. */
  public final ModelConfig read(ConfigJson json) {
    ConfigJson c = withDefaults(json);
    refuse(c);
    int hidden = c.positive("hidden_size");
    int heads = c.positive("num_attention_heads");
    int kvHeads = c.positive("num_key_value_heads", heads);
    int headDim = c.positive("head_dim", hidden / heads);
    if (heads % kvHeads != 0) {
      throw c.error("num_attention_heads " + heads + " is not a multiple of num_key_value_heads "
          + kvHeads);
    }
    int layers = c.positive("num_hidden_layers");
    String kinds = layerKinds(c, layers);
    Optional<Integer> window = kinds.indexOf('S') >= 0
        ? Optional.of(c.integer("sliding_window")) : Optional.empty();
    double partial = c.number("partial_rotary_factor",
        c.object("rope_parameters").map(p -> p.number("partial_rotary_factor", 1.0)).orElse(1.0));
    int rotaryDim = (int) (headDim * partial);
    Rope rope = rope(c, "full_attention");
    Rope sliding = kinds.indexOf('S') >= 0 ? rope(c, "sliding_attention") : rope;
    String dtype = c.optionalString("dtype").or(() -> c.optionalString("torch_dtype"))
        .orElse("float32");
    return new ModelConfig(this, c.string("model_type"), hidden, c.positive("intermediate_size"),
        layers, heads, kvHeads, headDim, rotaryDim, c.number("rms_norm_eps"), rope, sliding,
        window, kinds, qkvBias(c), outputBias(c), mlpBias(c), features(c, hidden, headDim),
        c.bool("tie_word_embeddings", tiedByDefault()), c.positive("vocab_size"), dtype,
        c.ids("eos_token_id"),
        c.has("pad_token_id") ? Optional.of(c.integer("pad_token_id")) : Optional.empty(),
        c.integer("max_position_embeddings", 0));
  }

  /**
   * transformers' class defaults for fields a config.json of this family may leave out (a
   * multimodal checkpoint's {@code text_config} often does); dimensions read this way are held to
   * the checkpoint's tensor shapes by {@link TensorLayout#check}.
   */
  protected java.util.Map<String, com.google.gson.JsonElement> defaults() {
    return java.util.Map.of();
  }

  private ConfigJson withDefaults(ConfigJson json) {
    if (defaults().isEmpty()) {
      return json;
    }
    com.google.gson.JsonObject merged = json.json().deepCopy();
    defaults().forEach((k, v) -> {
      if (!merged.has(k) || merged.get(k).isJsonNull()) {
        merged.add(k, v);
      }
    });
    return new ConfigJson(merged, json.where());
  }

  /** Refuses, by name, what this family's config may set that lager does not implement. */
  protected void refuse(ConfigJson c) {
    String act = c.optionalString("hidden_act").or(() -> c.optionalString("hidden_activation"))
        .orElse("silu");
    if (!act.equals(activationName())) {
      throw c.error("hidden_act '" + act + "' is not supported for " + name() + " (lager runs "
          + activationName() + ")");
    }
  }

  /** The activation name config.json gives for this family's MLP. */
  protected String activationName() {
    return "silu";
  }

  protected boolean qkvBias(ConfigJson c) {
    return c.bool("attention_bias", false);
  }

  protected boolean outputBias(ConfigJson c) {
    return c.bool("attention_bias", false);
  }

  protected boolean mlpBias(ConfigJson c) {
    return c.bool("mlp_bias", false);
  }

  /** {@code tie_word_embeddings} when config.json does not say (transformers' class default). */
  protected boolean tiedByDefault() {
    return false;
  }

  protected Features features(ConfigJson c, int hidden, int headDim) {
    return new Features(NormForm.WEIGHT, Activation.SILU, false, false, 1.0,
        1.0 / Math.sqrt(headDim));
  }

  /**
   * Per layer {@code G} (full attention) or {@code S} (sliding window): from {@code layer_types}
   * when config.json has it, else {@link #defaultLayerKinds}.
   */
  protected String layerKinds(ConfigJson c, int layers) {
    Optional<List<String>> types = c.strings("layer_types");
    if (types.isEmpty()) {
      return defaultLayerKinds(c, layers);
    }
    if (types.get().size() != layers) {
      throw c.error("layer_types has " + types.get().size() + " entries for num_hidden_layers "
          + layers);
    }
    StringBuilder kinds = new StringBuilder();
    for (String t : types.get()) {
      switch (t) {
        case "full_attention" -> kinds.append('G');
        case "sliding_attention" -> kinds.append('S');
        default -> throw c.error("layer type '" + t + "' is not supported (lager runs"
            + " full_attention and sliding_attention)");
      }
    }
    return kinds.toString();
  }

  /** Layer kinds when config.json has no {@code layer_types}: all full attention. */
  protected String defaultLayerKinds(ConfigJson c, int layers) {
    return "G".repeat(layers);
  }

  /** The rotary embeddings of layers of {@code layerType} ({@code full_attention}, ...). */
  protected Rope rope(ConfigJson c, String layerType) {
    return Ropes.read(c, layerType);
  }

  // ---- tensor names ----

  /** Where the decoder's tensors start, in order of preference (the first one present wins). */
  protected List<String> decoderPrefixes() {
    return List.of("model.");
  }

  /** Names of the untied LM head, in order of preference. */
  protected List<String> lmHeadNames() {
    return List.of("lm_head.weight");
  }

  /** Whether q, k and v come as one tensor ({@code qkv_proj}, in slot {@link Slot#Q}). */
  protected boolean fusedQkv() {
    return false;
  }

  /** Whether gate and up come as one tensor ({@code gate_up_proj}, in slot {@link Slot#GATE}). */
  protected boolean fusedGateUp() {
    return false;
  }

  /** A tensor's name below the decoder prefix, as transformers names this family's modules. */
  protected String relativeName(Slot slot, int layer) {
    String l = LAYER + layer + ".";
    return switch (slot) {
      case EMBED -> "embed_tokens.weight";
      case FINAL_NORM -> "norm.weight";
      case LM_HEAD -> throw new IllegalArgumentException("the LM head is outside the decoder");
      case INPUT_NORM -> l + "input_layernorm.weight";
      case Q -> l + (fusedQkv() ? "self_attn.qkv_proj.weight" : "self_attn.q_proj.weight");
      case K -> l + "self_attn.k_proj.weight";
      case V -> l + "self_attn.v_proj.weight";
      case Q_BIAS -> l + "self_attn.q_proj.bias";
      case K_BIAS -> l + "self_attn.k_proj.bias";
      case V_BIAS -> l + "self_attn.v_proj.bias";
      case O -> l + "self_attn.o_proj.weight";
      case O_BIAS -> l + "self_attn.o_proj.bias";
      case POST_ATTENTION_NORM -> l + "post_attention_layernorm.weight";
      case PRE_FEEDFORWARD_NORM -> l + "pre_feedforward_layernorm.weight";
      case POST_FEEDFORWARD_NORM -> l + "post_feedforward_layernorm.weight";
      case GATE -> l + (fusedGateUp() ? "mlp.gate_up_proj.weight" : "mlp.gate_proj.weight");
      case UP -> l + "mlp.up_proj.weight";
      case GATE_BIAS -> l + "mlp.gate_proj.bias";
      case UP_BIAS -> l + "mlp.up_proj.bias";
      case DOWN -> l + "mlp.down_proj.weight";
      case DOWN_BIAS -> l + "mlp.down_proj.bias";
      case Q_NORM -> l + "self_attn.q_norm.weight";
      case K_NORM -> l + "self_attn.k_norm.weight";
    };
  }

  /**
   * The tensors a checkpoint of {@code config} holds, named as this family names them, with the
   * shapes config.json implies.
   *
   * @param checkpointTensors the checkpoint's tensor names, to choose among prefixes (a
   *     multimodal checkpoint keeps its text model under {@code language_model.}); null for the
   *     default names (writing a checkpoint)
   */
  public TensorLayout layout(ModelConfig config, Set<String> checkpointTensors) {
    String prefix = decoderPrefixes().get(0);
    String head = lmHeadNames().get(0);
    if (checkpointTensors != null) {
      for (String p : decoderPrefixes()) {
        if (checkpointTensors.contains(p + relativeName(Slot.EMBED, 0))) {
          prefix = p;
          break;
        }
      }
      for (String h : lmHeadNames()) {
        if (checkpointTensors.contains(h)) {
          head = h;
          break;
        }
      }
    }
    return new TensorLayout(this, config, prefix, head, prefix + LAYER);
  }

  /** Whether this family has the slot at all under {@code config} (before fusion). */
  boolean has(ModelConfig c, Slot slot) {
    Features f = c.features();
    return switch (slot) {
      case LM_HEAD -> !c.tieWordEmbeddings();
      case K, V -> !fusedQkv();
      case UP -> !fusedGateUp();
      case Q_BIAS, K_BIAS, V_BIAS -> c.qkvBias();
      case O_BIAS -> c.outputBias();
      case GATE_BIAS, UP_BIAS, DOWN_BIAS -> c.mlpBias();
      case PRE_FEEDFORWARD_NORM, POST_FEEDFORWARD_NORM -> f.sandwichNorms();
      case Q_NORM, K_NORM -> f.qkNorm();
      default -> true;
    };
  }

  /** The config.json fields that decide a slot's presence, for messages. */
  String presenceField(Slot slot) {
    return switch (slot) {
      case LM_HEAD -> "tie_word_embeddings";
      case Q_BIAS, K_BIAS, V_BIAS, O_BIAS -> "attention_bias";
      case GATE_BIAS, UP_BIAS, DOWN_BIAS -> "mlp_bias";
      default -> "model_type";
    };
  }

  /** Whether fused tensors keep {@link Slot#Q} and {@link Slot#GATE} at their fused size. */
  boolean fusesQkv() {
    return fusedQkv();
  }

  boolean fusesGateUp() {
    return fusedGateUp();
  }

  String nameOf(Slot slot, int layer) {
    return relativeName(slot, layer);
  }

  @Override
  public String toString() {
    return name();
  }
}
