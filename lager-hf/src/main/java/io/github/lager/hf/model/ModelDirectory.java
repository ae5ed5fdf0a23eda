package io.github.lager.hf.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.lager.core.InvalidInputException;
import io.github.lager.core.io.Sha256;
import io.github.lager.core.math.LabelSet;
import io.github.lager.core.math.LabelTokens;
import io.github.lager.core.math.ScoreHead;
import io.github.lager.core.pipeline.ChatTokenizer;
import io.github.lager.hf.architecture.ModelConfig;
import io.github.lager.hf.architecture.Slot;
import io.github.lager.hf.architecture.TensorLayout;
import io.github.lager.hf.checkpoint.Checkpoint;
import io.github.lager.hf.checkpoint.SafetensorsFile;
import io.github.lager.hf.template.JinjaChatTemplate;
import io.github.lager.hf.template.TokenizerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A Hugging Face judge-model directory, parsed once: {@code config.json} ({@link #config()}),
 * {@code tokenizer.json}, {@code tokenizer_config.json} with its chat template, optional
 * {@code generation_config.json}, and the safetensors checkpoint (one file or sharded: {@link
 * #checkpoint()}, headers read, tensors mapped on demand) with its {@link TensorLayout} checked
 * against config.json. {@link io.github.lager.hf.Judge#open} opens it once and hands it to the
 * backend, so no file of the directory is parsed twice in a run.
 *
 * <p>{@link #open} checks that every file is there and names what is missing, and refuses a
 * config.json that does not describe its checkpoint; the tokenizer is loaded on first use of
 * {@link #encoder}. Close it to release the tokenizer's native memory and the checkpoint's files.
 */
public final class ModelDirectory implements AutoCloseable {
  public static final String CONFIG = "config.json";
  public static final String GENERATION_CONFIG = "generation_config.json";

  private final Path dir;
  private final ModelConfig config;
  private final TokenizerConfig tokenizerConfig;
  private final Optional<JsonObject> generationConfig;
  private final Checkpoint checkpoint;
  private final TensorLayout layout;
  private HfTokenizer tokenizer;

  private ModelDirectory(Path dir, ModelConfig config, TokenizerConfig tokenizerConfig,
      Optional<JsonObject> generationConfig, Checkpoint checkpoint, TensorLayout layout) {
    this.dir = dir;
    this.config = config;
    this.tokenizerConfig = tokenizerConfig;
    this.generationConfig = generationConfig;
    this.checkpoint = checkpoint;
    this.layout = layout;
  }

  public static ModelDirectory open(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new InvalidInputException("model directory not found: " + dir);
    }
    List<String> missing = new ArrayList<>();
    for (String f : new String[] {CONFIG, HfTokenizer.FILE, TokenizerConfig.FILE}) {
      if (!Files.isRegularFile(dir.resolve(f))) {
        missing.add(f);
      }
    }
    if (!Files.exists(dir.resolve(Checkpoint.SINGLE)) && !Files.exists(dir.resolve(Checkpoint.INDEX))) {
      missing.add(Checkpoint.SINGLE + " (or " + Checkpoint.INDEX + " with its shards)");
    }
    if (!missing.isEmpty()) {
      throw new InvalidInputException(dir + " is not a complete Hugging Face model directory:"
          + " missing " + String.join(", ", missing)
          + " (download the whole repository, e.g. huggingface-cli download MODEL --local-dir DIR)");
    }
    Optional<JsonObject> generation = Optional.empty();
    Path gen = dir.resolve(GENERATION_CONFIG);
    if (Files.exists(gen)) {
      try {
        generation = Optional.of(JsonParser.parseString(Files.readString(gen)).getAsJsonObject());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + gen, e);
      } catch (RuntimeException e) {
        throw new InvalidInputException(gen + ": malformed JSON: " + io.github.lager.core.io.JsonErrors.message(e), e);
      }
    }
    ModelConfig config = ModelConfig.read(dir.resolve(CONFIG));
    TokenizerConfig tokenizerConfig = TokenizerConfig.read(dir);
    Checkpoint checkpoint = Checkpoint.open(dir);
    try {
      TensorLayout layout = config.architecture().layout(config, checkpoint.tensorNames());
      layout.check(checkpoint);
      return new ModelDirectory(dir, config, tokenizerConfig, generation, checkpoint, layout);
    } catch (RuntimeException | Error e) {
      checkpoint.close();
      throw e;
    }
  }

  public Path dir() {
    return dir;
  }

  public ModelConfig config() {
    return config;
  }

  /** The weights: safetensors headers parsed, tensors read or mapped on demand. */
  public Checkpoint checkpoint() {
    return checkpoint;
  }

  /** The checkpoint's tensors by role, checked against config.json when the directory opened. */
  public TensorLayout layout() {
    return layout;
  }

  /** The tokenizer, loaded on first use. */
  public synchronized HfTokenizer tokenizer() {
    if (tokenizer == null) {
      tokenizer = HfTokenizer.open(dir);
    }
    return tokenizer;
  }

  /**
   * The reference's encoder: chat template with the generation prompt, then the tokenizer with
   * its special tokens ({@code addSpecialTokens = true}: for Llama-3 a second
   * {@code <|begin_of_text|>} after the template's, as the reference does) or without them.
   */
  public ChatTokenizer encoder(boolean addSpecialTokens) {
    JinjaChatTemplate template = JinjaChatTemplate.of(tokenizerConfig);
    HfTokenizer tok = tokenizer();
    return new ChatTokenizer() {
      @Override
      public String render(String userPrompt) {
        return template.renderUserPrompt(userPrompt);
      }

      @Override
      public int[] tokenize(String renderedText) {
        return tok.encode(renderedText, addSpecialTokens);
      }
    };
  }

  /**
   * The labels 1..size with the token ids of "1".."size" as single vocabulary entries; fails
   * when one is not a single token (such a judge cannot be read by LAGER).
   */
  public LabelTokens labelTokens(int size) {
    return labelTokens(LabelSet.of(size));
  }

  /**
   * The label set with each label's token id: each label must be one entry of the vocabulary
   * ({@code convert_tokens_to_ids}, as the reference looks up "1".."5"), and no two labels may be
   * one token; fails naming the label.
   */
  public LabelTokens labelTokens(LabelSet labelSet) {
    int[] ids = new int[labelSet.size()];
    for (int k = 0; k < ids.length; k++) {
      String label = labelSet.label(k);
      ids[k] = tokenizer().vocabId(label).orElseThrow(() -> new InvalidInputException(
          tokenizer().file() + ": the label \"" + label + "\" is not one token of the"
              + " vocabulary; LAGER reads the logits of the label tokens, so each label must be a"
              + " single token (the labels " + labelSet.describe() + " do not fit this tokenizer;"
              + " digits and single letters usually are single tokens)"));
    }
    try {
      return LabelTokens.of(labelSet, ids);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(tokenizer().file() + ": " + e.getMessage(), e);
    }
  }

  /**
   * The K rows of the LM head for the label tokens (the embedding rows when embeddings are
   * tied) and the final RMSNorm, with tensor names from the model's {@link
   * io.github.lager.hf.architecture.Architecture}. The norm's weight is given as the factor it
   * multiplies by ({@code 1 + w} for Gemma), so that the logit lens is the same for every family.
   */
  public ScoreHead scoreHead(LabelTokens labelTokens) {
    String head = layout.lmHead().name();
    SafetensorsFile.TensorInfo info = checkpoint.info(head);
    if (info.shape().length != 2 || info.shape()[1] != config.hiddenSize()) {
      throw new InvalidInputException(dir + ": " + head + " has shape "
          + java.util.Arrays.toString(info.shape()) + ", config.json says hidden size "
          + config.hiddenSize());
    }
    for (int id : labelTokens.tokenIds()) {
      if (id >= info.rows()) {
        throw new InvalidInputException(dir + ": score token id " + id + " is outside " + head
            + " with " + info.rows() + " rows; tokenizer and weights do not match");
      }
    }
    float[] norm = checkpoint.read(layout.tensor(Slot.FINAL_NORM).orElseThrow().name());
    if (config.features().norm() == ModelConfig.NormForm.ONE_PLUS_WEIGHT) {
      for (int i = 0; i < norm.length; i++) {
        norm[i] += 1;
      }
    }
    return ScoreHead.of(labelTokens.size(), config.hiddenSize(),
        checkpoint.readRows(head, labelTokens.tokenIds())).withFinalNorm(norm, config.rmsNormEps());
  }

  /**
   * What identifies this model for a run's manifest ({@link io.github.lager.core.io.RunManifest}):
   * SHA-256 of {@code config.json}, of {@code generation_config.json} (or "absent"), of the
   * tokenizer files with the chat template, and of the safetensors headers (names, dtypes, shapes,
   * places of every tensor; the weights themselves are not read). A backend that reads more
   * files adds their hashes ({@link
   * io.github.lager.hf.backend.HiddenStateProviderFactory#fingerprint}).
   */
  public java.util.Map<String, String> fingerprint() {
    java.util.Map<String, String> f = new java.util.LinkedHashMap<>();
    f.put("model_config_sha256", Sha256.of(dir.resolve(CONFIG)));
    Path gen = dir.resolve(GENERATION_CONFIG);
    f.put("model_generation_config_sha256", Files.exists(gen) ? Sha256.of(gen) : "absent");
    List<byte[]> tokenizer = new ArrayList<>();
    for (String name : new String[] {HfTokenizer.FILE, TokenizerConfig.FILE,
        TokenizerConfig.TEMPLATE_FILE}) {
      Path p = dir.resolve(name);
      tokenizer.add((name + "=" + (Files.exists(p) ? Sha256.of(p) : "absent"))
          .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    f.put("model_tokenizer_sha256", Sha256.ofParts(tokenizer.toArray(byte[][]::new)));
    f.put("model_safetensors_headers_sha256", checkpoint.headersSha256());
    return f;
  }

  /** End-of-sequence ids: config.json's and generation_config.json's. */
  public int[] eosTokenIds() {
    Set<Integer> ids = new LinkedHashSet<>();
    for (int id : config.eosTokenIds()) {
      ids.add(id);
    }
    generationConfig.map(g -> g.get("eos_token_id")).ifPresent(e -> addIds(e, ids));
    return ids.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * The id that fills finished rows and left-pads prompts: generation_config's pad, else
   * config.json's, else the tokenizer's pad token, else the first end-of-sequence id (as the
   * reference sets {@code pad_token_id = eos_token_id} when there is none).
   */
  public int padTokenId() {
    Optional<Integer> gen = generationConfig.map(g -> g.get("pad_token_id"))
        .filter(e -> !e.isJsonNull()).map(JsonElement::getAsInt);
    if (gen.isPresent()) {
      return gen.get();
    }
    if (config.padTokenId().isPresent()) {
      return config.padTokenId().get();
    }
    Optional<Integer> tok = tokenizerConfig.padToken().flatMap(t -> {
      var id = tokenizer().vocabId(t);
      return id.isPresent() ? Optional.of(id.getAsInt()) : Optional.empty();
    });
    if (tok.isPresent()) {
      return tok.get();
    }
    int[] eos = eosTokenIds();
    if (eos.length == 0) {
      throw new InvalidInputException(dir + ": no pad token and no end-of-sequence token in"
          + " config.json, generation_config.json or tokenizer_config.json");
    }
    return eos[0];
  }

  private static void addIds(JsonElement e, Set<Integer> ids) {
    if (e == null || e.isJsonNull()) {
      return;
    }
    if (e.isJsonArray()) {
      e.getAsJsonArray().forEach(x -> ids.add(x.getAsInt()));
    } else {
      ids.add(e.getAsInt());
    }
  }

  @Override
  public synchronized void close() {
    try {
      if (tokenizer != null) {
        tokenizer.close();
        tokenizer = null;
      }
    } finally {
      checkpoint.close();
    }
  }
}
