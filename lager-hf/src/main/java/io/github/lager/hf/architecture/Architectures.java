package io.github.lager.hf.architecture;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The registry of the model families lager runs, keyed by {@code model_type} (and, when a config
 * has none, by its {@code architectures} class names). The only place that knows which families
 * exist; each family is the only place that knows its tensor names.
 */
public final class Architectures {
  private static final List<Architecture> ALL = List.of(
      new Llama(), new Mistral(), new Qwen2(), new Qwen3(), new Gemma3(), new Phi3());

  /** Families lager knows and refuses, with the reason. */
  private static final Map<String, String> REFUSED = Map.of(
      "gemma2", "Gemma 2's attention logit softcapping is not implemented",
      "gemma", "Gemma 1 is not implemented (its RMSNorm and MLP differ from Gemma 3's)",
      "phimoe", "mixture-of-experts models are not implemented",
      "mixtral", "mixture-of-experts models are not implemented",
      "qwen2_moe", "mixture-of-experts models are not implemented",
      "qwen3_moe", "mixture-of-experts models are not implemented");

  /** Fields a multimodal config keeps beside {@code text_config} that the text model needs. */
  private static final List<String> INHERITED = List.of("eos_token_id", "pad_token_id", "dtype",
      "torch_dtype", "tie_word_embeddings");

  private Architectures() {}

  /** Every family. */
  public static List<Architecture> all() {
    return ALL;
  }

  /** Every {@code model_type} lager runs. */
  public static List<String> modelTypes() {
    List<String> out = new ArrayList<>();
    ALL.forEach(a -> out.addAll(a.modelTypes()));
    return out;
  }

  /** The family of {@code modelType}, if lager runs it. */
  public static Optional<Architecture> forModelType(String modelType) {
    return ALL.stream().filter(a -> a.modelTypes().contains(modelType)).findFirst();
  }

  /**
   * Reads a {@code config.json}: finds the family by {@code model_type}, reads a multimodal
   * config through its {@code text_config}, and fails naming the type (and the reason, for
   * families lager knows and does not run) when no family runs it.
   */
  public static ModelConfig read(ConfigJson root) {
    ConfigJson text = root;
    Optional<ConfigJson> nested = root.object("text_config");
    if (nested.isPresent()) {
      JsonObject merged = nested.get().json().deepCopy();
      for (String f : INHERITED) {
        if (!merged.has(f) && root.has(f)) {
          merged.add(f, root.json().get(f));
        }
      }
      if (!merged.has("model_type") && root.has("model_type")) {
        merged.addProperty("model_type", root.string("model_type") + "_text");
      }
      text = new ConfigJson(merged, root.where() + " text_config");
    }
    String type = text.has("model_type") ? text.string("model_type") : byClassName(root);
    if (REFUSED.containsKey(type)) {
      throw root.error("model_type '" + type + "' is not supported: " + REFUSED.get(type));
    }
    Architecture a = forModelType(type).orElseThrow(() -> root.error("model_type '" + type
        + "' is not supported; lager runs " + modelTypes() + " (decoder-only judges)"));
    return a.read(text);
  }

  private static String byClassName(ConfigJson root) {
    for (String cls : root.strings("architectures").orElse(List.of())) {
      for (Architecture a : ALL) {
        if (a.classNames().contains(cls)) {
          return a.modelTypes().get(0);
        }
      }
    }
    throw root.error("field 'model_type' is missing");
  }
}
