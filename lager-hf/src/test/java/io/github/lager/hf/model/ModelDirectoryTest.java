package io.github.lager.hf.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.lager.core.InvalidInputException;
import io.github.lager.core.TestData;
import io.github.lager.core.math.LabelSetSyntax;
import io.github.lager.core.math.LabelTokens;
import io.github.lager.core.math.ScoreHead;
import io.github.lager.core.pipeline.ChatTokenizer;
import io.github.lager.hf.architecture.ModelConfig;
import io.github.lager.hf.checkpoint.Checkpoint;
import io.github.lager.hf.checkpoint.SafetensorsFile;
import io.github.lager.hf.checkpoint.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModelDirectoryTest {
  static Path fixture(String model) {
    return TestData.fixture(model);
  }

  static JsonObject golden(String model) throws IOException {
    return JsonParser.parseString(Files.readString(fixture(model).resolve("golden/golden.json")))
        .getAsJsonObject();
  }

  /** The golden traces: chat-templated text and token ids of every prompt, exactly. */
  @ParameterizedTest
  @ValueSource(strings = {"tiny-qwen2", "tiny-llama"})
  void encodesEveryGoldenPromptExactly(String model) throws IOException {
    JsonObject g = golden(model);
    try (ModelDirectory dir = ModelDirectory.open(fixture(model))) {
      ChatTokenizer enc = dir.encoder(true);
      var batch = g.getAsJsonArray("batch1");
      var traces = g.getAsJsonArray("traces");
      for (int i = 0; i < traces.size(); i++) {
        JsonObject t = traces.get(i).getAsJsonObject();
        String text = enc.render(batch.get(i).getAsJsonObject().get("prompt").getAsString());
        assertThat(text).as("%s prompt %d", model, i).isEqualTo(t.get("text").getAsString());
        int[] expected = t.getAsJsonArray("input_ids").asList().stream()
            .mapToInt(JsonElement::getAsInt).toArray();
        assertThat(enc.tokenize(text)).as("%s ids %d", model, i).containsExactly(expected);
      }
      LabelTokens labelTokens = dir.labelTokens(5);
      int[] golden = g.getAsJsonArray("score_token_ids").asList().stream()
          .mapToInt(JsonElement::getAsInt).toArray();
      assertThat(labelTokens.tokenIds()).containsExactly(golden);
      assertThat(dir.eosTokenIds()).containsExactly(2);
      assertThat(dir.padTokenId()).isZero();
      ScoreHead head = dir.scoreHead(labelTokens);
      assertThat(head.points()).isEqualTo(5);
      assertThat(head.hasFinalNorm()).isTrue();
      assertThat(head.row(2))
          .containsExactly(dir.checkpoint().readRows("lm_head.weight", golden[2]));
    }
  }

  @Test
  void configReadsBothLayouts(@TempDir Path tmp) throws IOException {
    ModelConfig current = ModelConfig.read(fixture("tiny-llama").resolve("config.json"));
    assertThat(current.rope().type()).isEqualTo("llama3");
    assertThat(current.numKeyValueHeads()).isEqualTo(1);
    JsonObject c = JsonParser.parseString(Files.readString(fixture("tiny-llama").resolve("config.json")))
        .getAsJsonObject();
    JsonObject rope = c.remove("rope_parameters").getAsJsonObject();
    c.add("rope_theta", rope.remove("rope_theta"));
    c.add("rope_scaling", rope);
    c.add("torch_dtype", c.remove("dtype"));
    Path old = tmp.resolve("config.json");
    Files.writeString(old, c.toString());
    assertThat(ModelConfig.read(old)).isEqualTo(current);

    ModelConfig qwen = ModelConfig.read(fixture("tiny-qwen2").resolve("config.json"));
    assertThat(qwen.qkvBias()).isTrue();
    assertThat(qwen.rope().theta()).isEqualTo(1e6);
  }

  @Test
  void incompleteDirectoriesNameWhatIsMissing(@TempDir Path tmp) throws IOException {
    Files.copy(fixture("tiny-qwen2").resolve("config.json"), tmp.resolve("config.json"));
    assertThatThrownBy(() -> ModelDirectory.open(tmp))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("missing tokenizer.json, tokenizer_config.json, model.safetensors");
    assertThatThrownBy(() -> ModelDirectory.open(tmp.resolve("nope")))
        .hasMessageStartingWith("model directory not found");
  }

  @Test
  void unsupportedArchitectureIsNamed(@TempDir Path tmp) throws IOException {
    Path dir = copy(fixture("tiny-qwen2"), tmp);
    Path cfg = dir.resolve("config.json");
    Files.writeString(cfg, Files.readString(cfg).replace("\"qwen2\"", "\"gpt2\""));
    assertThatThrownBy(() -> ModelDirectory.open(dir))
        .hasMessageContaining("model_type 'gpt2' is not supported")
        .hasMessageContaining("[llama, mistral, qwen2, qwen3, gemma3_text, gemma3, phi3]");
    Files.writeString(cfg, Files.readString(cfg).replace("\"gpt2\"", "\"gemma2\""));
    assertThatThrownBy(() -> ModelDirectory.open(dir))
        .hasMessageEndingWith("model_type 'gemma2' is not supported: Gemma 2's attention logit"
            + " softcapping is not implemented");
  }

  @Test
  void scoreTokensMustBeSingleTokens() {
    try (ModelDirectory dir = ModelDirectory.open(fixture("tiny-qwen2"))) {
      assertThat(dir.labelTokens(9).size()).isEqualTo(9);
      assertThatThrownBy(() -> dir.labelTokens(10))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("the label \"10\" is not one token of the vocabulary");
      // letters are single tokens of the fixtures' byte-level BPE; "AB" and "Score" are not labels
      LabelTokens letters = dir.labelTokens(LabelSetSyntax.parse("A,B,C", "1,2,3"));
      assertThat(letters.tokenIds()).hasSize(3).doesNotHaveDuplicates();
      assertThat(dir.tokenizer().decode(letters.tokenIds(), true)).isEqualTo("ABC");
      assertThatThrownBy(() -> dir.labelTokens(LabelSetSyntax.parse("A,AB,C", "1,2,3")))
          .hasMessageContaining("the label \"AB\" is not one token");
      assertThat(dir.labelTokens(LabelSetSyntax.parse("0,1,2", null)).tokenIds())
          .containsExactly(18, 19, 20);
    }
  }

  /** tiny-qwen2 made tied: config.json says so and the checkpoint has no lm_head.weight. */
  static Path tiedQwen2(Path tmp) throws IOException {
    Path dir = copy(fixture("tiny-qwen2"), tmp);
    Path cfg = dir.resolve("config.json");
    Files.writeString(cfg, Files.readString(cfg).replace("\"tie_word_embeddings\": false",
        "\"tie_word_embeddings\": true"));
    java.util.List<SafetensorsWriter.Tensor> tensors = new java.util.ArrayList<>();
    try (Checkpoint c = Checkpoint.open(dir)) {
      for (String name : new java.util.TreeSet<>(c.tensorNames())) {
        if (!name.equals("lm_head.weight")) {
          tensors.add(SafetensorsWriter.Tensor.of(name, SafetensorsFile.DType.F32,
              c.info(name).shape(), c.read(name)));
        }
      }
    }
    SafetensorsWriter.write(dir.resolve(Checkpoint.SINGLE), tensors);
    return dir;
  }

  @Test
  void tiedEmbeddingsGiveTheScoreHeadFromTheEmbeddingRows(@TempDir Path tmp) throws IOException {
    Path dir = tiedQwen2(tmp);
    try (ModelDirectory d = ModelDirectory.open(dir)) {
      Checkpoint ckpt = d.checkpoint();
      assertThat(d.config().tieWordEmbeddings()).isTrue();
      assertThat(ckpt.has("lm_head.weight")).isFalse();
      LabelTokens labelTokens = d.labelTokens(5);
      assertThat(d.scoreHead(labelTokens).row(0))
          .containsExactly(ckpt.readRows("model.embed_tokens.weight", labelTokens.tokenIds()[0]));
    }
  }

  @Test
  void aTiedConfigOnACheckpointWithItsOwnHeadIsRefused(@TempDir Path tmp) throws IOException {
    // tiny-qwen2 has its own lm_head.weight (random, not the embeddings): saying it is tied would
    // score on the embedding rows
    Path dir = copy(fixture("tiny-qwen2"), tmp);
    Path cfg = dir.resolve("config.json");
    Files.writeString(cfg, Files.readString(cfg).replace("\"tie_word_embeddings\": false",
        "\"tie_word_embeddings\": true"));
    assertThatThrownBy(() -> ModelDirectory.open(dir))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(dir + ": config.json has tie_word_embeddings true, but the checkpoint has its"
            + " own lm_head.weight, which differs from model.embed_tokens.weight; set"
            + " \"tie_word_embeddings\": false (the scores would otherwise be projected on the"
            + " embedding rows)");
  }

  @Test
  void anUntiedConfigOnACheckpointWithoutAHeadIsRefused(@TempDir Path tmp) throws IOException {
    Path dir = tiedQwen2(tmp);
    Path cfg = dir.resolve("config.json");
    Files.writeString(cfg, Files.readString(cfg).replace("\"tie_word_embeddings\": true",
        "\"tie_word_embeddings\": false"));
    assertThatThrownBy(() -> ModelDirectory.open(dir))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(dir + ": config.json has tie_word_embeddings false, but the checkpoint has no"
            + " lm_head.weight (a tied model needs \"tie_word_embeddings\": true)");
  }

  @Test
  void corruptWeightsAreNamed(@TempDir Path tmp) throws IOException {
    Path dir = copy(fixture("tiny-llama"), tmp);
    Path st = dir.resolve("model.safetensors");
    byte[] bytes = Files.readAllBytes(st);
    Files.write(st, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    assertThatThrownBy(() -> Checkpoint.open(dir))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("model.safetensors: tensor")
        .hasMessageContaining("truncated or corrupt");
  }

  static Path copy(Path from, Path to) throws IOException {
    Path dir = to.resolve(from.getFileName());
    Files.createDirectories(dir);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
    }
    return dir;
  }
}
