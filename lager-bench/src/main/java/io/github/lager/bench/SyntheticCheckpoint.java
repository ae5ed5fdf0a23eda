package io.github.lager.bench;

import com.google.gson.JsonObject;
import io.github.lager.hf.architecture.ModelConfig;
import io.github.lager.hf.architecture.TensorLayout;
import io.github.lager.hf.checkpoint.Checkpoint;
import io.github.lager.hf.checkpoint.SafetensorsFile;
import io.github.lager.hf.checkpoint.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes a Hugging Face model directory of a real architecture with random weights (uniform with
 * the standard deviation 0.02 of transformers' initialisation, norms 1) and the fixture tokenizer,
 * for benchmarks at real shapes without downloading a model.
 */
final class SyntheticCheckpoint {
  /** An architecture's shape. */
  record Shape(String modelType, int hidden, int layers, int heads, int kvHeads, int intermediate,
      int vocab, double ropeTheta, boolean tied) {
    static Shape named(String name, int vocab) {
      return switch (name) {
        case "qwen2.5-0.5b" -> new Shape("qwen2", 896, 24, 14, 2, 4864, vocab, 1e6, true);
        case "llama-3.1-8b" -> new Shape("llama", 4096, 32, 32, 8, 14336, vocab, 500000, false);
        case "tiny" -> new Shape("qwen2", 64, 4, 4, 2, 160, vocab, 1e6, false);
        default -> throw new IllegalArgumentException(
            "unknown shape '" + name + "': qwen2.5-0.5b, llama-3.1-8b or tiny");
      };
    }

    int headDim() {
      return hidden / heads;
    }

    /** Weights outside the embedding and LM head: what every prompt token multiplies through. */
    long layerParameters() {
      long q = (long) heads * headDim();
      long kv = (long) kvHeads * headDim();
      return (long) layers * (hidden * q + 2L * hidden * kv + q * hidden + 3L * hidden * intermediate);
    }
  }

  private SyntheticCheckpoint() {}

  /**
   * Writes a synthetic checkpoint to a directory, for benchmarks run outside this harness
   * (lager-spark/scale-bench): {@code SyntheticCheckpoint SHAPE DIR [VOCAB]}, float32, seed 7,
   * a vocabulary of 1536 (the fixture tokenizer's) unless given.
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 2 && args.length != 3) {
      System.err.println("usage: SyntheticCheckpoint SHAPE DIR [VOCAB] (SHAPE: qwen2.5-0.5b,"
          + " llama-3.1-8b, tiny)");
      System.exit(2);
    }
    Path root = Path.of(System.getProperty("lager.project.root", "."));
    int vocab = args.length == 3 ? Integer.parseInt(args[2]) : 1536;
    write(Path.of(args[1]), Shape.named(args[0], vocab), root.resolve("fixtures/tiny-qwen2"), false,
        7);
  }

  static void write(Path dir, Shape s, Path tokenizerFrom, boolean bf16, long seed)
      throws IOException {
    Files.createDirectories(dir);
    for (String f : new String[] {"tokenizer.json", "tokenizer_config.json"}) {
      Files.copy(tokenizerFrom.resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
    }
    JsonObject c = new JsonObject();
    c.addProperty("model_type", s.modelType());
    c.addProperty("hidden_size", s.hidden());
    c.addProperty("intermediate_size", s.intermediate());
    c.addProperty("num_hidden_layers", s.layers());
    c.addProperty("num_attention_heads", s.heads());
    c.addProperty("num_key_value_heads", s.kvHeads());
    c.addProperty("rms_norm_eps", 1e-6);
    c.addProperty("rope_theta", s.ropeTheta());
    c.addProperty("tie_word_embeddings", s.tied());
    c.addProperty("vocab_size", s.vocab());
    c.addProperty("torch_dtype", bf16 ? "bfloat16" : "float32");
    c.addProperty("eos_token_id", 2);
    c.addProperty("pad_token_id", 0);
    Files.writeString(dir.resolve("config.json"), c.toString());
    Files.writeString(dir.resolve("generation_config.json"), "{\"eos_token_id\": 2, \"pad_token_id\": 0}");
    // the tensors and their names come from the architecture registry
    ModelConfig config = ModelConfig.read(dir.resolve("config.json"));
    SafetensorsFile.DType dtype = bf16 ? SafetensorsFile.DType.BF16 : SafetensorsFile.DType.F32;
    SplittableRandom random = new SplittableRandom(seed);
    float bound = (float) (0.02 * Math.sqrt(3)); // uniform(-b, b) has standard deviation 0.02
    float normValue = config.features().norm() == ModelConfig.NormForm.ONE_PLUS_WEIGHT ? 0f : 1f;
    List<SafetensorsWriter.Tensor> tensors = new ArrayList<>();
    for (TensorLayout.Tensor t : config.architecture().layout(config, null).tensors()) {
      boolean norm = t.shape().length == 1 && t.name().endsWith("norm.weight");
      tensors.add(new SafetensorsWriter.Tensor(t.name(), dtype, t.shape(),
          norm ? i -> normValue : i -> (float) ((random.nextDouble() * 2 - 1) * bound)));
    }
    SafetensorsWriter.write(dir.resolve(Checkpoint.SINGLE), tensors);
  }
}
