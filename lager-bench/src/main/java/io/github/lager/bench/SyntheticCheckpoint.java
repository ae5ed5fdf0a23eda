package io.github.lager.bench;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    Map<String, long[]> tensors = new LinkedHashMap<>();
    int q = s.heads() * s.headDim();
    int kv = s.kvHeads() * s.headDim();
    tensors.put("model.embed_tokens.weight", new long[] {s.vocab(), s.hidden()});
    for (int i = 0; i < s.layers(); i++) {
      String p = "model.layers." + i + ".";
      tensors.put(p + "input_layernorm.weight", new long[] {s.hidden()});
      tensors.put(p + "self_attn.q_proj.weight", new long[] {q, s.hidden()});
      tensors.put(p + "self_attn.k_proj.weight", new long[] {kv, s.hidden()});
      tensors.put(p + "self_attn.v_proj.weight", new long[] {kv, s.hidden()});
      if (s.modelType().equals("qwen2")) {
        tensors.put(p + "self_attn.q_proj.bias", new long[] {q});
        tensors.put(p + "self_attn.k_proj.bias", new long[] {kv});
        tensors.put(p + "self_attn.v_proj.bias", new long[] {kv});
      }
      tensors.put(p + "self_attn.o_proj.weight", new long[] {s.hidden(), q});
      tensors.put(p + "post_attention_layernorm.weight", new long[] {s.hidden()});
      tensors.put(p + "mlp.gate_proj.weight", new long[] {s.intermediate(), s.hidden()});
      tensors.put(p + "mlp.up_proj.weight", new long[] {s.intermediate(), s.hidden()});
      tensors.put(p + "mlp.down_proj.weight", new long[] {s.hidden(), s.intermediate()});
    }
    tensors.put("model.norm.weight", new long[] {s.hidden()});
    if (!s.tied()) {
      tensors.put("lm_head.weight", new long[] {s.vocab(), s.hidden()});
    }
    int bytes = bf16 ? 2 : 4;
    StringBuilder header = new StringBuilder("{");
    long offset = 0;
    List<String> names = new ArrayList<>(tensors.keySet());
    for (String name : names) {
      long n = 1;
      for (long d : tensors.get(name)) {
        n *= d;
      }
      long[] shape = tensors.get(name);
      StringBuilder dims = new StringBuilder();
      for (int d = 0; d < shape.length; d++) {
        dims.append(d == 0 ? "" : ",").append(shape[d]);
      }
      header.append(header.length() > 1 ? "," : "").append('"').append(name).append("\":{\"dtype\":\"")
          .append(bf16 ? "BF16" : "F32").append("\",\"shape\":[").append(dims)
          .append("],\"data_offsets\":[").append(offset).append(',').append(offset + n * bytes).append("]}");
      offset += n * bytes;
    }
    byte[] h = header.append('}').toString().getBytes(StandardCharsets.UTF_8);
    SplittableRandom random = new SplittableRandom(seed);
    float bound = (float) (0.02 * Math.sqrt(3)); // uniform(-b, b) has standard deviation 0.02
    try (FileChannel ch = FileChannel.open(dir.resolve("model.safetensors"), StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length);
      len.flip();
      ch.write(len);
      ch.write(ByteBuffer.wrap(h));
      ByteBuffer buf = ByteBuffer.allocateDirect(1 << 24).order(ByteOrder.LITTLE_ENDIAN);
      for (String name : names) {
        long n = 1;
        for (long d : tensors.get(name)) {
          n *= d;
        }
        boolean norm = name.endsWith("layernorm.weight") || name.equals("model.norm.weight");
        for (long i = 0; i < n; i++) {
          float v = norm ? 1f : (float) ((random.nextDouble() * 2 - 1) * bound);
          if (bf16) {
            buf.putShort((short) (Float.floatToRawIntBits(v) >>> 16));
          } else {
            buf.putFloat(v);
          }
          if (!buf.hasRemaining()) {
            buf.flip();
            ch.write(buf);
            buf.clear();
          }
        }
      }
      buf.flip();
      ch.write(buf);
    }
  }
}
