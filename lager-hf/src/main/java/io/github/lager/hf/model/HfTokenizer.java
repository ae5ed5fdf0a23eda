package io.github.lager.hf.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonReader;
import io.github.lager.core.InvalidInputException;
import io.github.lager.core.LagerException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A model's {@code tokenizer.json} through DJL's Hugging Face tokenizers (Rust natives bundled in
 * the Maven jar; nothing is downloaded), plus the vocabulary lookup of
 * {@code tokenizer.convert_tokens_to_ids} that the reference uses for the score tokens.
 */
public final class HfTokenizer implements AutoCloseable {
  public static final String FILE = "tokenizer.json";

  private final HuggingFaceTokenizer tokenizer;
  private final Map<String, Integer> vocab;
  private final Path file;

  private HfTokenizer(HuggingFaceTokenizer tokenizer, Map<String, Integer> vocab, Path file) {
    this.tokenizer = tokenizer;
    this.vocab = vocab;
    this.file = file;
  }

  public static HfTokenizer open(Path modelDir) {
    Path file = modelDir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      throw new InvalidInputException(modelDir + " has no " + FILE
          + " (lager reads fast-tokenizer files; convert a slow tokenizer with transformers first)");
    }
    DjlOffline.ensure();
    Map<String, String> options = new HashMap<>();
    options.put("addSpecialTokens", "true");
    options.put("truncation", "false");
    options.put("padding", "false");
    options.put("modelMaxLength", String.valueOf(Integer.MAX_VALUE));
    HuggingFaceTokenizer t;
    try {
      t = HuggingFaceTokenizer.newInstance(file, options);
    } catch (IOException | RuntimeException e) {
      throw new InvalidInputException(file + ": cannot load the tokenizer: " + e.getMessage(), e);
    }
    return new HfTokenizer(t, readVocab(file), file);
  }

  /** Token ids of {@code text}; {@code addSpecialTokens} as Hugging Face's {@code tokenizer(text)}. */
  public int[] encode(String text, boolean addSpecialTokens) {
    Encoding e = tokenizer.encode(text, addSpecialTokens, false);
    long[] ids = e.getIds();
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = Math.toIntExact(ids[i]);
    }
    return out;
  }

  public String decode(int[] ids, boolean skipSpecialTokens) {
    long[] l = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      l[i] = ids[i];
    }
    return tokenizer.decode(l, skipSpecialTokens);
  }

  /** The id of {@code token} as one vocabulary entry ({@code convert_tokens_to_ids}). */
  public OptionalInt vocabId(String token) {
    Integer id = vocab.get(token);
    return id == null ? OptionalInt.empty() : OptionalInt.of(id);
  }

  public Path file() {
    return file;
  }

  /** {@code model.vocab} and {@code added_tokens} of tokenizer.json. */
  private static Map<String, Integer> readVocab(Path file) {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      JsonObject root = JsonParser.parseReader(new JsonReader(r)).getAsJsonObject();
      Map<String, Integer> vocab = new HashMap<>();
      JsonObject model = root.getAsJsonObject("model");
      JsonElement v = model == null ? null : model.get("vocab");
      if (v != null && v.isJsonObject()) {
        for (Map.Entry<String, JsonElement> e : v.getAsJsonObject().entrySet()) {
          vocab.put(e.getKey(), e.getValue().getAsInt());
        }
      } else if (v != null && v.isJsonArray()) {
        // Unigram models: [[piece, score], ...], ids by position
        int id = 0;
        for (JsonElement piece : v.getAsJsonArray()) {
          vocab.put(piece.getAsJsonArray().get(0).getAsString(), id++);
        }
      }
      JsonElement added = root.get("added_tokens");
      if (added != null && added.isJsonArray()) {
        for (JsonElement a : added.getAsJsonArray()) {
          JsonObject o = a.getAsJsonObject();
          vocab.put(o.get("content").getAsString(), o.get("id").getAsInt());
        }
      }
      return vocab;
    } catch (IOException | RuntimeException e) {
      throw new InvalidInputException(file + ": cannot read the vocabulary: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      tokenizer.close();
    } catch (RuntimeException e) {
      throw new LagerException("cannot close the tokenizer of " + file, e);
    }
  }
}
