package io.github.lager.hf.architecture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.lager.core.InvalidInputException;
import io.github.lager.core.TestData;
import io.github.lager.hf.checkpoint.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** config.json against the checkpoint's tensors: every mismatch is named, field, tensor and values. */
class TensorLayoutTest {
  @ParameterizedTest
  @MethodSource("io.github.lager.core.TestData#models")
  void everyFixtureMatchesItsConfig(String model) {
    ModelConfig c = ModelConfig.read(TestData.fixture(model).resolve("config.json"));
    try (Checkpoint ckpt = Checkpoint.open(TestData.fixture(model))) {
      TensorLayout layout = c.architecture().layout(c, ckpt.tensorNames());
      layout.check(ckpt);
      assertThat(layout.tensors()).extracting(TensorLayout.Tensor::name)
          .containsExactlyInAnyOrderElementsOf(ckpt.tensorNames());
    }
  }

  @Test
  void eachFamilyReadsItsFeatures() {
    ModelConfig gemma = ModelConfig.read(TestData.fixture("tiny-gemma3").resolve("config.json"));
    assertThat(gemma.architecture().name()).isEqualTo("Gemma3");
    assertThat(gemma.layerKinds()).isEqualTo("SSSSSG");
    assertThat(gemma.slidingWindow()).contains(48);
    assertThat(gemma.rope().theta()).isEqualTo(1e6);
    assertThat(gemma.slidingRope().theta()).isEqualTo(1e4);
    assertThat(gemma.features().norm()).isEqualTo(ModelConfig.NormForm.ONE_PLUS_WEIGHT);
    assertThat(gemma.features().embedScale()).isEqualTo(8.0);
    assertThat(gemma.features().queryScale()).isEqualTo(0.25);
    assertThat(gemma.tieWordEmbeddings()).isTrue();
    ModelConfig phi = ModelConfig.read(TestData.fixture("tiny-phi3").resolve("config.json"));
    assertThat(phi.rotaryDim()).isEqualTo(8);
    assertThat(phi.architecture().layout(phi, null).tensor(Slot.Q, 0).orElseThrow().shape())
        .containsExactly(128, 64);
    assertThat(phi.architecture().layout(phi, null).tensor(Slot.K, 0)).isEmpty();
    ModelConfig qwen3 = ModelConfig.read(TestData.fixture("tiny-qwen3").resolve("config.json"));
    assertThat(qwen3.headDim()).isEqualTo(32);
    assertThat(qwen3.features().qkNorm()).isTrue();
    assertThat(qwen3.qkvBias()).isFalse();
  }

  @Test
  void aModelTypeThatDropsTheCheckpointsBiasesIsRefused(@TempDir Path tmp) throws IOException {
    Path dir = withConfig(tmp, "tiny-qwen2", "\"qwen2\"", "\"llama\"");
    assertThatThrownBy(() -> check(dir)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("the checkpoint has model.layers.0.self_attn.")
        .hasMessageContaining("config.json (model_type llama, attention_bias false) does not expect");
  }

  @Test
  void aModelTypeWhoseTensorsAreMissingIsRefused(@TempDir Path tmp) throws IOException {
    Path dir = withConfig(tmp, "tiny-qwen2", "\"qwen2\"", "\"qwen3\"");
    assertThatThrownBy(() -> check(dir))
        .hasMessageContaining("config.json (model_type qwen3) implies tensor"
            + " model.layers.0.self_attn.q_norm.weight, which the checkpoint does not have");
  }

  @Test
  void fewerLayersThanTheCheckpointWouldTruncateTheModel(@TempDir Path tmp) throws IOException {
    Path dir = withConfig(tmp, "tiny-llama", "\"num_hidden_layers\": 5", "\"num_hidden_layers\": 4");
    assertThatThrownBy(() -> check(dir))
        .hasMessageContaining("config.json has num_hidden_layers 4, but the checkpoint has layer 4"
            + " (model.layers.4.");
    Path more = withConfig(tmp.resolve("more"), "tiny-llama", "\"num_hidden_layers\": 5",
        "\"num_hidden_layers\": 6");
    assertThatThrownBy(() -> check(more))
        .hasMessageContaining("config.json has num_hidden_layers 6, but the checkpoint has no layer 5"
            + " (no model.layers.5.input_layernorm.weight)");
  }

  @Test
  void sizesAreCheckedAgainstShapes(@TempDir Path tmp) throws IOException {
    Path dir = withConfig(tmp, "tiny-llama", "\"intermediate_size\": 160", "\"intermediate_size\": 128");
    assertThatThrownBy(() -> check(dir))
        .hasMessageContaining("tensor model.layers.0.mlp.gate_proj.weight has shape [160, 64],"
            + " config.json (intermediate_size 128, hidden_size 64) implies [128, 64]");
  }

  @Test
  void anUntiedHeadMustBeThere(@TempDir Path tmp) throws IOException {
    Path dir = withConfig(tmp, "tiny-gemma3", "\"tie_word_embeddings\": true",
        "\"tie_word_embeddings\": false");
    assertThatThrownBy(() -> check(dir))
        .hasMessageContaining("config.json has tie_word_embeddings false, but the checkpoint has no"
            + " lm_head.weight");
  }

  /** A copy of a fixture's config (with one replacement) beside a link to its weights. */
  static Path withConfig(Path tmp, String fixture, String from, String to) throws IOException {
    Files.createDirectories(tmp);
    Path src = TestData.fixture(fixture);
    String json = Files.readString(src.resolve("config.json"));
    assertThat(json).contains(from);
    Files.writeString(tmp.resolve("config.json"), json.replace(from, to));
    Files.createSymbolicLink(tmp.resolve(Checkpoint.SINGLE), src.resolve(Checkpoint.SINGLE).toAbsolutePath());
    return tmp;
  }

  static void check(Path dir) {
    ModelConfig c = ModelConfig.read(dir.resolve("config.json"));
    try (Checkpoint ckpt = Checkpoint.open(dir)) {
      c.architecture().layout(c, ckpt.tensorNames()).check(ckpt);
    }
  }

  @Test
  void theRegistryKnowsEveryFamilyOnce() {
    List<String> types = Architectures.modelTypes();
    assertThat(types).doesNotHaveDuplicates().contains("llama", "qwen2", "qwen3", "gemma3_text", "phi3");
  }
}
