package io.github.lager.hf.architecture;

import io.github.lager.core.InvalidInputException;
import io.github.lager.hf.checkpoint.Checkpoint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tensors of one model's checkpoint: for every {@link Slot} the tensor's name, as its
 * {@link Architecture} names it, and the shape its config.json implies; {@link #check} holds a
 * checkpoint to them.
 */
public final class TensorLayout {
  /** A checkpoint tensor: its name, the shape config.json implies, and why. */
  public record Tensor(Slot slot, int layer, String name, long[] shape, String impliedBy) {
    public Tensor {
      shape = shape.clone();
    }

    @Override
    public long[] shape() {
      return shape.clone();
    }
  }

  private final Architecture architecture;
  private final ModelConfig config;
  private final String prefix;
  private final String lmHead;
  private final String layerPrefix;

  TensorLayout(Architecture architecture, ModelConfig config, String prefix, String lmHead,
      String layerPrefix) {
    this.architecture = architecture;
    this.config = config;
    this.prefix = prefix;
    this.lmHead = lmHead;
    this.layerPrefix = layerPrefix;
  }

  /** The tensor of {@code slot} (of {@code layer} for per-layer slots), or empty if absent. */
  public Optional<Tensor> tensor(Slot slot, int layer) {
    if (!architecture.has(config, slot)) {
      return Optional.empty();
    }
    String name = slot == Slot.LM_HEAD ? lmHead : prefix + architecture.nameOf(slot, layer);
    return Optional.of(shaped(slot, slot.perLayer() ? layer : -1, name));
  }

  /** The tensor of a global slot ({@link Slot#EMBED}, {@link Slot#FINAL_NORM}, ...). */
  public Optional<Tensor> tensor(Slot slot) {
    if (slot.perLayer()) {
      throw new IllegalArgumentException(slot + " is per layer");
    }
    return tensor(slot, -1);
  }

  /** The matrix whose rows are the LM head: the LM head, or the embeddings when tied. */
  public Tensor lmHead() {
    return tensor(Slot.LM_HEAD).or(() -> tensor(Slot.EMBED)).orElseThrow();
  }

  /** Every tensor: the globals, then each layer's slots in order. */
  public List<Tensor> tensors() {
    List<Tensor> out = new ArrayList<>();
    for (Slot s : Slot.values()) {
      if (!s.perLayer()) {
        tensor(s).ifPresent(out::add);
      }
    }
    for (int layer = 0; layer < config.numHiddenLayers(); layer++) {
      for (Slot s : Slot.LAYER) {
        tensor(s, layer).ifPresent(out::add);
      }
    }
    return out;
  }

  private Tensor shaped(Slot slot, int layer, String name) {
    ModelConfig c = config;
    long h = c.hiddenSize();
    long q = c.queryWidth();
    long kv = c.keyValueWidth();
    long inter = c.intermediateSize();
    String hs = "hidden_size " + h;
    String qs = "num_attention_heads " + c.numAttentionHeads() + " x head_dim " + c.headDim();
    String kvs = "num_key_value_heads " + c.numKeyValueHeads() + " x head_dim " + c.headDim();
    String is = "intermediate_size " + inter;
    return switch (slot) {
      case EMBED, LM_HEAD -> new Tensor(slot, layer, name, new long[] {c.vocabSize(), h},
          "vocab_size " + c.vocabSize() + ", " + hs);
      case FINAL_NORM, INPUT_NORM, POST_ATTENTION_NORM, PRE_FEEDFORWARD_NORM,
          POST_FEEDFORWARD_NORM, O_BIAS, DOWN_BIAS -> new Tensor(slot, layer, name, new long[] {h}, hs);
      case Q -> architecture.fusesQkv()
          ? new Tensor(slot, layer, name, new long[] {q + 2 * kv, h}, qs + " + 2 x " + kvs + ", " + hs)
          : new Tensor(slot, layer, name, new long[] {q, h}, qs + ", " + hs);
      case K, V -> new Tensor(slot, layer, name, new long[] {kv, h}, kvs + ", " + hs);
      case Q_BIAS -> new Tensor(slot, layer, name, new long[] {q}, qs);
      case K_BIAS, V_BIAS -> new Tensor(slot, layer, name, new long[] {kv}, kvs);
      case O -> new Tensor(slot, layer, name, new long[] {h, q}, hs + ", " + qs);
      case GATE -> architecture.fusesGateUp()
          ? new Tensor(slot, layer, name, new long[] {2 * inter, h}, "2 x " + is + ", " + hs)
          : new Tensor(slot, layer, name, new long[] {inter, h}, is + ", " + hs);
      case UP -> new Tensor(slot, layer, name, new long[] {inter, h}, is + ", " + hs);
      case GATE_BIAS, UP_BIAS -> new Tensor(slot, layer, name, new long[] {inter}, is);
      case DOWN -> new Tensor(slot, layer, name, new long[] {h, inter}, hs + ", " + is);
      case Q_NORM, K_NORM -> new Tensor(slot, layer, name, new long[] {c.headDim()},
          "head_dim " + c.headDim());
    };
  }

  private static final Pattern LAYER_INDEX = Pattern.compile("(\\d+)\\.(.*)");

  /**
   * Holds {@code checkpoint} to config.json: every tensor the config implies is there with the
   * implied shape, the layers are as many as {@code num_hidden_layers}, and no decoder tensor is
   * there that the config does not expect (a bias, a q/k norm, another layer). A mismatch fails
   * naming the field, the tensor and both values: a config that does not describe its weights
   * would otherwise run a different model without a word.
   */
  public void check(Checkpoint checkpoint) {
    String where = checkpoint.dir() + ": ";
    String model = "model_type " + config.modelType();
    checkTie(checkpoint, where);
    for (Tensor t : tensors()) {
      if (!checkpoint.has(t.name())) {
        if (t.slot() == Slot.LM_HEAD) {
          throw new InvalidInputException(where + "config.json has tie_word_embeddings false, but"
              + " the checkpoint has no " + t.name() + " (a tied model needs"
              + " \"tie_word_embeddings\": true)");
        }
        if (t.slot().perLayer() && !checkpoint.has(tensor(Slot.INPUT_NORM, t.layer()).orElseThrow().name())) {
          throw new InvalidInputException(where + "config.json has num_hidden_layers "
              + config.numHiddenLayers() + ", but the checkpoint has no layer " + t.layer()
              + " (no " + tensor(Slot.INPUT_NORM, t.layer()).orElseThrow().name() + ")");
        }
        String field = architecture.presenceField(t.slot());
        throw new InvalidInputException(where + "config.json (" + model
            + (field.equals("model_type") ? "" : ", " + field + " " + presenceValue(t.slot()))
            + ") implies tensor " + t.name()
            + ", which the checkpoint does not have; is this the model the config describes?");
      }
      long[] actual = checkpoint.info(t.name()).shape();
      if (!Arrays.equals(actual, t.shape)) {
        throw new InvalidInputException(where + "tensor " + t.name() + " has shape "
            + Arrays.toString(actual) + ", config.json (" + t.impliedBy() + ") implies "
            + Arrays.toString(t.shape));
      }
    }
    Set<String> expected = new HashSet<>();
    tensors().forEach(t -> expected.add(t.name()));
    for (String name : checkpoint.tensorNames()) {
      if (!name.startsWith(prefix) || expected.contains(name) || name.endsWith("rotary_emb.inv_freq")) {
        continue;
      }
      if (name.startsWith(layerPrefix)) {
        Matcher m = LAYER_INDEX.matcher(name.substring(layerPrefix.length()));
        if (m.matches()) {
          int layer = Integer.parseInt(m.group(1));
          if (layer >= config.numHiddenLayers()) {
            throw new InvalidInputException(where + "config.json has num_hidden_layers "
                + config.numHiddenLayers() + ", but the checkpoint has layer " + layer + " ("
                + name + "); a config with fewer layers would run a truncated model");
          }
          for (Slot s : Slot.LAYER) {
            if (name.equals(prefix + architecture.nameOf(s, layer))) {
              String field = architecture.presenceField(s);
              throw new InvalidInputException(where + "the checkpoint has " + name + ", which"
                  + " config.json (" + model + (field.equals("model_type") ? ""
                      : ", " + field + " " + presenceValue(s))
                  + ") does not expect; is model_type right?");
            }
          }
        }
      }
      throw new InvalidInputException(where + "the checkpoint has " + name + ", which "
          + architecture.name() + " (" + model + ") does not use; is model_type right?");
    }
  }

  /** Rows of a tied checkpoint's own head compared with the embedding rows. */
  static final int TIE_ROWS_COMPARED = 16;

  /**
   * A config that says the head is tied ({@code tie_word_embeddings: true}) while the checkpoint
   * has its own head tensor would score on the embedding rows and give plausible, wrong scores.
   * A checkpoint that stores the tied head anyway (some exporters do) is accepted when its rows
   * are the embedding rows: {@value #TIE_ROWS_COMPARED} rows spread over the vocabulary (the
   * first and the last among them) are compared, which costs no pass over the matrix. The
   * reverse (untied config, no head tensor) is refused by {@link #check}.
   */
  private void checkTie(Checkpoint checkpoint, String where) {
    if (!config.tieWordEmbeddings()) {
      return;
    }
    String embed = tensor(Slot.EMBED).orElseThrow().name();
    for (String head : architecture.lmHeadNames()) {
      if (!checkpoint.has(head) || !checkpoint.has(embed)) {
        continue;
      }
      boolean same = Arrays.equals(checkpoint.info(head).shape(), checkpoint.info(embed).shape());
      long vocab = checkpoint.info(embed).shape()[0];
      int[] rows = new int[(int) Math.min(TIE_ROWS_COMPARED, vocab)];
      for (int i = 0; i < rows.length; i++) {
        rows[i] = (int) (rows.length == 1 ? 0 : i * (vocab - 1) / (rows.length - 1));
      }
      same = same && Arrays.equals(checkpoint.readRows(head, rows),
          checkpoint.readRows(embed, rows));
      if (!same) {
        throw new InvalidInputException(where + "config.json has tie_word_embeddings true, but"
            + " the checkpoint has its own " + head + ", which differs from " + embed + "; set"
            + " \"tie_word_embeddings\": false (the scores would otherwise be projected on the"
            + " embedding rows)");
      }
    }
  }

  private String presenceValue(Slot s) {
    return switch (architecture.presenceField(s)) {
      case "attention_bias" -> Boolean.toString(s == Slot.O_BIAS ? config.outputBias() : config.qkvBias());
      case "mlp_bias" -> Boolean.toString(config.mlpBias());
      case "tie_word_embeddings" -> Boolean.toString(config.tieWordEmbeddings());
      default -> config.modelType();
    };
  }

  public ModelConfig config() {
    return config;
  }
}
