package io.github.lager.core.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.lager.core.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What lager needs of a Hugging Face {@code config.json} for the decoder-only judges it runs: the
 * Llama family (Llama 2/3/3.1 with {@code llama3} rope scaling), Qwen2/2.5 (q/k/v biases) and
 * Mistral. Reads the current layout ({@code rope_parameters}, {@code dtype}) and the older one
 * ({@code rope_theta}, {@code rope_scaling}, {@code torch_dtype}).
 *
 * @param modelType {@code llama}, {@code qwen2} or {@code mistral}
 * @param hiddenSize H
 * @param intermediateSize the MLP width
 * @param numHiddenLayers L; the model has L+1 hidden-state entries
 * @param numAttentionHeads query heads
 * @param numKeyValueHeads key/value heads (grouped-query attention when fewer)
 * @param headDim per-head size ({@code head_dim}, else H / heads)
 * @param rmsNormEps the RMSNorm epsilon
 * @param rope rotary embedding settings
 * @param qkvBias whether q/k/v projections have biases (Qwen2: always; Llama: attention_bias)
 * @param outputBias whether the attention output projection has a bias (Llama attention_bias)
 * @param mlpBias whether the MLP projections have biases (Llama mlp_bias)
 * @param tieWordEmbeddings the LM head is the embedding matrix
 * @param vocabSize rows of the embedding and LM head
 * @param dtype the checkpoint's declared dtype ({@code float32}, {@code bfloat16}, ...)
 * @param slidingWindow Mistral's sliding-window size, when the config sets one
 * @param eosTokenIds end-of-sequence ids from config.json (generation_config.json may add more)
 * @param padTokenId the pad id, when set
 */
public record ModelConfig(
    String modelType,
    int hiddenSize,
    int intermediateSize,
    int numHiddenLayers,
    int numAttentionHeads,
    int numKeyValueHeads,
    int headDim,
    double rmsNormEps,
    Rope rope,
    boolean qkvBias,
    boolean outputBias,
    boolean mlpBias,
    boolean tieWordEmbeddings,
    int vocabSize,
    String dtype,
    Optional<Integer> slidingWindow,
    int[] eosTokenIds,
    Optional<Integer> padTokenId) {
  /** The architectures lager runs. */
  public static final List<String> SUPPORTED = List.of("llama", "qwen2", "mistral");

  /**
   * Rotary position embedding: {@code inv_freq_i = 1 / theta^(2i / headDim)}, rescaled by
   * {@code type}: {@code default}, {@code linear} (positions / factor) or {@code llama3}.
   */
  public record Rope(String type, double theta, double factor, double lowFreqFactor,
      double highFreqFactor, int originalMaxPositionEmbeddings) {
    /** The inverse frequencies ({@code headDim / 2} of them) in float32, as transformers has them. */
    public float[] inverseFrequencies(int headDim) {
      float[] inv = new float[headDim / 2];
      for (int i = 0; i < inv.length; i++) {
        float exponent = (float) (2 * i) / headDim;
        inv[i] = (float) (1.0 / (float) Math.pow(theta, exponent));
      }
      if (type.equals("llama3")) {
        double lowWavelen = originalMaxPositionEmbeddings / lowFreqFactor;
        double highWavelen = originalMaxPositionEmbeddings / highFreqFactor;
        for (int i = 0; i < inv.length; i++) {
          double wavelen = 2 * Math.PI / inv[i];
          if (wavelen > lowWavelen) {
            inv[i] = (float) (inv[i] / factor);
          } else if (wavelen >= highWavelen) {
            double smooth = (originalMaxPositionEmbeddings / wavelen - lowFreqFactor)
                / (highFreqFactor - lowFreqFactor);
            inv[i] = (float) ((1 - smooth) * inv[i] / factor + smooth * inv[i]);
          }
        }
      } else if (type.equals("linear")) {
        for (int i = 0; i < inv.length; i++) {
          inv[i] = (float) (inv[i] / factor);
        }
      }
      return inv;
    }
  }

  public ModelConfig {
    eosTokenIds = eosTokenIds.clone();
  }

  @Override
  public int[] eosTokenIds() {
    return eosTokenIds.clone();
  }

  /** Reads {@code config.json}; every problem names the file and the field. */
  public static ModelConfig read(Path configJson) {
    JsonObject c;
    try {
      c = JsonParser.parseString(Files.readString(configJson)).getAsJsonObject();
    } catch (NoSuchFileException e) {
      throw new InvalidInputException("model config not found: " + configJson, e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + configJson, e);
    } catch (JsonParseException | IllegalStateException e) {
      throw new InvalidInputException(configJson + ": malformed JSON: " + e.getMessage(), e);
    }
    Fields f = new Fields(c, configJson.toString());
    String type = f.string("model_type").toLowerCase(Locale.ROOT);
    if (!SUPPORTED.contains(type)) {
      throw new InvalidInputException(configJson + ": model_type '" + type + "' is not supported;"
          + " lager runs " + SUPPORTED + " (decoder-only Llama-family judges)");
    }
    int hidden = f.integer("hidden_size");
    int heads = f.integer("num_attention_heads");
    int kvHeads = c.has("num_key_value_heads") && !c.get("num_key_value_heads").isJsonNull()
        ? f.integer("num_key_value_heads") : heads;
    int headDim = c.has("head_dim") && !c.get("head_dim").isJsonNull() ? f.integer("head_dim")
        : hidden / heads;
    if (heads % kvHeads != 0) {
      throw new InvalidInputException(configJson + ": num_attention_heads " + heads
          + " is not a multiple of num_key_value_heads " + kvHeads);
    }
    boolean attentionBias = f.bool("attention_bias", false);
    boolean qkvBias = type.equals("qwen2") || attentionBias;
    Optional<Integer> window = Optional.empty();
    if (type.equals("mistral") && c.has("sliding_window") && !c.get("sliding_window").isJsonNull()) {
      window = Optional.of(f.integer("sliding_window"));
    }
    String dtype = c.has("dtype") && !c.get("dtype").isJsonNull() ? f.string("dtype")
        : c.has("torch_dtype") && !c.get("torch_dtype").isJsonNull() ? f.string("torch_dtype")
            : "float32";
    return new ModelConfig(type, hidden, f.integer("intermediate_size"),
        f.integer("num_hidden_layers"), heads, kvHeads, headDim, f.number("rms_norm_eps"),
        rope(c, f, configJson), qkvBias, attentionBias && !type.equals("qwen2"),
        f.bool("mlp_bias", false), f.bool("tie_word_embeddings", false), f.integer("vocab_size"),
        dtype, window, ids(c.get("eos_token_id")),
        c.has("pad_token_id") && !c.get("pad_token_id").isJsonNull()
            ? Optional.of(f.integer("pad_token_id")) : Optional.empty());
  }

  private static Rope rope(JsonObject c, Fields f, Path file) {
    JsonObject params = null;
    double theta;
    if (c.has("rope_parameters") && c.get("rope_parameters").isJsonObject()) {
      params = c.getAsJsonObject("rope_parameters");
      theta = params.has("rope_theta") ? params.get("rope_theta").getAsDouble()
          : f.number("rope_theta");
    } else {
      theta = c.has("rope_theta") ? f.number("rope_theta") : 10000.0;
      if (c.has("rope_scaling") && c.get("rope_scaling").isJsonObject()) {
        params = c.getAsJsonObject("rope_scaling");
      }
    }
    if (params == null) {
      return new Rope("default", theta, 1, 1, 1, 0);
    }
    String type = params.has("rope_type") ? params.get("rope_type").getAsString()
        : params.has("type") ? params.get("type").getAsString() : "default";
    Fields p = new Fields(params, file + " rope parameters");
    switch (type) {
      case "default":
        return new Rope("default", theta, 1, 1, 1, 0);
      case "linear":
        return new Rope("linear", theta, p.number("factor"), 1, 1, 0);
      case "llama3":
        return new Rope("llama3", theta, p.number("factor"), p.number("low_freq_factor"),
            p.number("high_freq_factor"), p.integer("original_max_position_embeddings"));
      default:
        throw new InvalidInputException(file + ": rope type '" + type + "' is not supported"
            + " (lager supports default, linear and llama3)");
    }
  }

  private static int[] ids(JsonElement e) {
    if (e == null || e.isJsonNull()) {
      return new int[0];
    }
    if (e.isJsonArray()) {
      JsonArray a = e.getAsJsonArray();
      int[] out = new int[a.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = a.get(i).getAsInt();
      }
      return out;
    }
    return new int[] {e.getAsInt()};
  }

  /** Number of values in q (heads x head size). */
  public int queryWidth() {
    return numAttentionHeads * headDim;
  }

  /** Number of values in k or v (kv heads x head size). */
  public int keyValueWidth() {
    return numKeyValueHeads * headDim;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelConfig m && m.toString().equals(toString());
  }

  @Override
  public int hashCode() {
    return toString().hashCode();
  }

  @Override
  public String toString() {
    return "ModelConfig[" + modelType + ", L=" + numHiddenLayers + ", H=" + hiddenSize + ", I="
        + intermediateSize + ", heads=" + numAttentionHeads + "/" + numKeyValueHeads + ", headDim="
        + headDim + ", vocab=" + vocabSize + ", " + rope + ", qkvBias=" + qkvBias + ", tied="
        + tieWordEmbeddings + ", dtype=" + dtype + ", eos=" + Arrays.toString(eosTokenIds) + "]";
  }

  /** Typed reads naming the file and field. */
  private record Fields(JsonObject o, String where) {
    JsonElement get(String name) {
      JsonElement e = o.get(name);
      if (e == null || e.isJsonNull()) {
        throw new InvalidInputException(where + ": field '" + name + "' is missing");
      }
      return e;
    }

    String string(String name) {
      return get(name).getAsString();
    }

    int integer(String name) {
      try {
        return get(name).getAsInt();
      } catch (NumberFormatException | UnsupportedOperationException | IllegalStateException e) {
        throw new InvalidInputException(where + ": field '" + name + "' must be an integer");
      }
    }

    double number(String name) {
      try {
        return get(name).getAsDouble();
      } catch (NumberFormatException | UnsupportedOperationException | IllegalStateException e) {
        throw new InvalidInputException(where + ": field '" + name + "' must be a number");
      }
    }

    boolean bool(String name, boolean dflt) {
      JsonElement e = o.get(name);
      return e == null || e.isJsonNull() ? dflt : e.getAsBoolean();
    }
  }
}
