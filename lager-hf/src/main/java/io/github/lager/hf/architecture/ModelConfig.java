package io.github.lager.hf.architecture;

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
import java.util.Objects;
import java.util.Optional;

/**
 * What lager needs of a Hugging Face {@code config.json} to run a decoder-only judge, as its
 * {@link Architecture} reads it: the dimensions, the rotary embeddings, attention windows, biases
 * and the decoder's features. Reads the current layout ({@code rope_parameters}, {@code dtype}) and
 * the older one ({@code rope_theta}, {@code rope_scaling}, {@code torch_dtype}), and multimodal
 * configs whose text model sits under {@code text_config}.
 *
 * @param architecture the family that read it, and that names the checkpoint's tensors
 * @param modelType {@code model_type} of the text model
 * @param hiddenSize H
 * @param intermediateSize the MLP width
 * @param numHiddenLayers L; the model has L+1 hidden-state entries
 * @param numAttentionHeads query heads
 * @param numKeyValueHeads key/value heads (grouped-query attention when fewer)
 * @param headDim per-head size ({@code head_dim}, else H / heads)
 * @param rotaryDim the leading part of each head that is rotated ({@code partial_rotary_factor})
 * @param rmsNormEps the RMSNorm epsilon
 * @param rope rotary embeddings of full-attention layers
 * @param slidingRope rotary embeddings of sliding-window layers (Gemma 3 uses another base)
 * @param slidingWindow the window of sliding-window layers, when some layers have one
 * @param layerKinds per layer {@code G} (full attention) or {@code S} (sliding window)
 * @param qkvBias whether the q/k/v projections have biases
 * @param outputBias whether the attention output projection has a bias
 * @param mlpBias whether the MLP projections have biases
 * @param features the decoder's norm form, activation and attention features
 * @param tieWordEmbeddings the LM head is the embedding matrix
 * @param vocabSize rows of the embedding and LM head
 * @param dtype the checkpoint's declared dtype ({@code float32}, {@code bfloat16}, ...)
 * @param eosTokenIds end-of-sequence ids from config.json (generation_config.json may add more)
 * @param padTokenId the pad id, when set
 * @param maxPositionEmbeddings config.json's {@code max_position_embeddings}; 0 when absent
 */
public record ModelConfig(
    Architecture architecture,
    String modelType,
    int hiddenSize,
    int intermediateSize,
    int numHiddenLayers,
    int numAttentionHeads,
    int numKeyValueHeads,
    int headDim,
    int rotaryDim,
    double rmsNormEps,
    Rope rope,
    Rope slidingRope,
    Optional<Integer> slidingWindow,
    String layerKinds,
    boolean qkvBias,
    boolean outputBias,
    boolean mlpBias,
    Features features,
    boolean tieWordEmbeddings,
    int vocabSize,
    String dtype,
    int[] eosTokenIds,
    Optional<Integer> padTokenId,
    int maxPositionEmbeddings) {

  /** How RMSNorm applies its weight. */
  public enum NormForm {
    /** {@code w * x̂}: Llama, Qwen, Mistral, Phi-3. */
    WEIGHT,
    /** {@code (1 + w) * x̂}, in float32: Gemma. */
    ONE_PLUS_WEIGHT
  }

  /** The gated MLP's activation. */
  public enum Activation {
    SILU,
    /** GELU with the tanh approximation ({@code gelu_pytorch_tanh}). */
    GELU_TANH
  }

  /**
   * The parts of the forward pass that differ between families.
   *
   * @param norm RMSNorm's form
   * @param activation the gated MLP's activation
   * @param qkNorm RMSNorm on each query and key head before the rotary embedding (Qwen3, Gemma 3)
   * @param sandwichNorms norms after attention and around the MLP too (Gemma: four per layer)
   * @param embedScale factor on the token embeddings (Gemma: sqrt(H)); 1 elsewhere
   * @param queryScale the attention's score scale (1/sqrt(headDim), Gemma:
   *     1/sqrt(query_pre_attn_scalar))
   */
  public record Features(NormForm norm, Activation activation, boolean qkNorm,
      boolean sandwichNorms, double embedScale, double queryScale) {
    public Features {
      Objects.requireNonNull(norm, "norm");
      Objects.requireNonNull(activation, "activation");
    }
  }

  /**
   * Rotary position embedding: {@code inv_freq_i = 1 / theta^(2i / dim)} over the rotated
   * dimensions, rescaled by {@code type}: {@code default}, {@code linear} (positions / factor),
   * {@code llama3}, or {@code longrope} (per-frequency factors, Phi-3; read only within
   * {@code maxPositions}).
   *
   * @param factors longrope's short factors (one per frequency); empty for other types
   * @param attentionScale the factor on cos and sin (longrope's attention factor; 1 elsewhere)
   * @param maxPositions the longest sequence these frequencies are valid for; 0 when unbounded
   */
  public record Rope(String type, double theta, double factor, double lowFreqFactor,
      double highFreqFactor, int originalMaxPositionEmbeddings, double[] factors,
      double attentionScale, int maxPositions) {
    public Rope {
      factors = factors.clone();
    }

    /** Unscaled rotary embeddings of base {@code theta}. */
    public static Rope plain(double theta) {
      return new Rope("default", theta, 1, 1, 1, 0, new double[0], 1, 0);
    }

    @Override
    public double[] factors() {
      return factors.clone();
    }

    /** The inverse frequencies ({@code dim / 2} of them) in float32, as transformers has them. */
    public float[] inverseFrequencies(int dim) {
      float[] inv = new float[dim / 2];
      for (int i = 0; i < inv.length; i++) {
        float exponent = (float) (2 * i) / dim;
        float base = (float) Math.pow(theta, exponent);
        inv[i] = type.equals("longrope") ? (float) (1.0 / ((float) factors[i] * base))
            : (float) (1.0 / base);
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

    @Override
    public boolean equals(Object o) {
      return o instanceof Rope r && r.toString().equals(toString());
    }

    @Override
    public int hashCode() {
      return toString().hashCode();
    }

    @Override
    public String toString() {
      return "Rope[" + type + ", theta=" + theta + ", factor=" + factor + ", low=" + lowFreqFactor
          + ", high=" + highFreqFactor + ", original=" + originalMaxPositionEmbeddings
          + (factors.length > 0 ? ", factors=" + Arrays.toString(factors) : "")
          + ", scale=" + attentionScale + (maxPositions > 0 ? ", max=" + maxPositions : "") + "]";
    }
  }

  public ModelConfig {
    Objects.requireNonNull(architecture, "architecture");
    if (layerKinds.length() != numHiddenLayers || !layerKinds.matches("[GS]*")) {
      throw new IllegalArgumentException("layer kinds '" + layerKinds + "' for " + numHiddenLayers
          + " layers");
    }
    eosTokenIds = eosTokenIds.clone();
  }

  @Override
  public int[] eosTokenIds() {
    return eosTokenIds.clone();
  }

  /** How many times config.json was parsed in this JVM (tests count the parses of a run). */
  private static final java.util.concurrent.atomic.AtomicInteger READS =
      new java.util.concurrent.atomic.AtomicInteger();

  /** The number of {@link #read} calls in this JVM: a run must parse its config.json once. */
  public static int readCount() {
    return READS.get();
  }

  /** Reads {@code config.json}; every problem names the file and the field. */
  public static ModelConfig read(Path configJson) {
    READS.incrementAndGet();
    JsonObject c;
    try {
      c = JsonParser.parseString(Files.readString(configJson)).getAsJsonObject();
    } catch (NoSuchFileException e) {
      throw new InvalidInputException("model config not found: " + configJson, e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + configJson, e);
    } catch (JsonParseException | IllegalStateException e) {
      throw new InvalidInputException(configJson + ": malformed JSON: " + io.github.lager.core.io.JsonErrors.message(e), e);
    }
    return Architectures.read(new ConfigJson(c, configJson.toString()));
  }

  /** Number of values in q (heads x head size). */
  public int queryWidth() {
    return numAttentionHeads * headDim;
  }

  /** Number of values in k or v (kv heads x head size). */
  public int keyValueWidth() {
    return numKeyValueHeads * headDim;
  }

  /**
   * The longest sequence (prompt plus new tokens) this config's rotary embeddings are read for;
   * 0 when unbounded (Phi-3's longrope switches to other factors beyond it, which lager refuses).
   */
  public int maxPositions() {
    return ropeMaxPositions();
  }

  /**
   * The most positions (prompt plus new tokens) the model reads: the rotary scaling's own limit
   * where it has one (longrope), else {@code max_position_embeddings}, raised to {@code factor}
   * times the original length for a scaling that extends it (linear, llama3); none when config.json
   * states no length.
   */
  public io.github.lager.core.pipeline.PositionLimit positionLimit() {
    if (ropeMaxPositions() > 0) {
      return new io.github.lager.core.pipeline.PositionLimit(ropeMaxPositions(),
          rope.type() + " rotary scaling's original_max_position_embeddings");
    }
    if (maxPositionEmbeddings <= 0) {
      return io.github.lager.core.pipeline.PositionLimit.NONE;
    }
    int limit = maxPositionEmbeddings;
    String source = "max_position_embeddings";
    if (!rope.type().equals("default") && rope.factor() > 1) {
      int base = rope.originalMaxPositionEmbeddings() > 0 ? rope.originalMaxPositionEmbeddings()
          : maxPositionEmbeddings;
      long scaled = Math.round(rope.factor() * base);
      if (scaled > limit) {
        limit = (int) Math.min(Integer.MAX_VALUE, scaled);
        source = rope.type() + " rotary scaling: factor " + rope.factor() + " x " + base;
      }
    }
    return new io.github.lager.core.pipeline.PositionLimit(limit, source);
  }

  private int ropeMaxPositions() {
    int a = rope.maxPositions();
    int b = slidingRope.maxPositions();
    return a == 0 ? b : b == 0 ? a : Math.min(a, b);
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
    return "ModelConfig[" + architecture.name() + " " + modelType + ", L=" + numHiddenLayers
        + ", H=" + hiddenSize + ", I=" + intermediateSize + ", heads=" + numAttentionHeads + "/"
        + numKeyValueHeads + ", headDim=" + headDim + ", rotary=" + rotaryDim + ", eps="
        + rmsNormEps + ", " + rope + ", sliding " + slidingRope + " window " + slidingWindow
        + " kinds " + layerKinds + ", bias qkv/o/mlp=" + qkvBias + "/" + outputBias + "/" + mlpBias
        + ", " + features + ", vocab=" + vocabSize + ", tied=" + tieWordEmbeddings + ", dtype="
        + dtype + ", eos=" + Arrays.toString(eosTokenIds) + ", pad=" + padTokenId + "]";
  }
}
