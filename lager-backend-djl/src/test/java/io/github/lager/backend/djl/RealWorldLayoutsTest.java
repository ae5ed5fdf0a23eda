package io.github.lager.backend.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.lager.core.InvalidInputException;
import io.github.lager.core.spi.GenerationOptions;
import io.github.lager.core.spi.ScorePositionOutput;
import io.github.lager.hf.backend.ProviderOptions;
import io.github.lager.hf.checkpoint.Checkpoint;
import io.github.lager.hf.checkpoint.SafetensorsFile;
import io.github.lager.hf.checkpoint.SafetensorsWriter;
import io.github.lager.testkit.GoldenFixture;
import io.github.lager.testkit.Providers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoint layouts the fixtures do not have but real judges do: a multimodal Gemma 3
 * (Gemma3ForConditionalGeneration: text config under text_config, weights under language_model.,
 * a vision tower beside them) scored through its text part, and Phi-3's longrope scaling.
 */
class RealWorldLayoutsTest {
  static final GenerationOptions TEN = new GenerationOptions(10,
      GoldenFixture.load("tiny-qwen2").labelTokens(), new int[] {2}, 0);

  @Test
  void aMultimodalGemma3IsScoredThroughItsTextModel(@TempDir Path tmp) throws Exception {
    GoldenFixture f = GoldenFixture.load("tiny-gemma3");
    Path dir = Files.createDirectories(tmp.resolve("gemma3-multimodal"));
    JsonObject text = JsonParser.parseString(Files.readString(f.dir().resolve("config.json")))
        .getAsJsonObject();
    JsonObject root = new JsonObject();
    JsonArray classes = new JsonArray();
    classes.add("Gemma3ForConditionalGeneration");
    root.add("architectures", classes);
    root.addProperty("model_type", "gemma3");
    root.add("eos_token_id", text.remove("eos_token_id"));
    text.remove("model_type");
    text.remove("architectures");
    root.add("text_config", text);
    root.add("vision_config", new JsonObject());
    Files.writeString(dir.resolve("config.json"), root.toString());
    List<SafetensorsWriter.Tensor> tensors = new ArrayList<>();
    try (Checkpoint ckpt = Checkpoint.open(f.dir())) {
      for (String name : ckpt.tensorNames()) {
        tensors.add(SafetensorsWriter.Tensor.of("language_model." + name,
            SafetensorsFile.DType.F32, ckpt.info(name).shape(), ckpt.read(name)));
      }
    }
    tensors.add(SafetensorsWriter.Tensor.of("vision_tower.vision_model.embeddings.weight",
        SafetensorsFile.DType.F32, new long[] {2, 2}, new float[4]));
    SafetensorsWriter.write(dir.resolve(Checkpoint.SINGLE), tensors);
    for (String file : new String[] {"tokenizer.json", "tokenizer_config.json"}) {
      Files.copy(f.dir().resolve(file), dir.resolve(file));
    }
    List<int[]> prompts = f.prompts().subList(0, 4).stream().map(GoldenFixture.Prompt::inputIds).toList();
    List<ScorePositionOutput> multimodal = run(dir, prompts);
    List<ScorePositionOutput> textOnly = run(f.dir(), prompts);
    for (int i = 0; i < prompts.size(); i++) {
      assertThat(multimodal.get(i).generatedIds()).containsExactly(f.prompts().get(i).generated());
      assertThat(((ScorePositionOutput.Found) multimodal.get(i)).hiddenStates().toArray())
          .containsExactly(((ScorePositionOutput.Found) textOnly.get(i)).hiddenStates().toArray());
    }
  }

  @Test
  void phi3LongropeIsReadWithinItsOriginalLengthAndRefusedBeyond(@TempDir Path tmp) throws Exception {
    GoldenFixture f = GoldenFixture.load("tiny-phi3");
    JsonObject c = JsonParser.parseString(Files.readString(f.dir().resolve("config.json")))
        .getAsJsonObject();
    JsonObject rope = c.getAsJsonObject("rope_parameters");
    rope.addProperty("rope_type", "longrope");
    JsonArray ones = new JsonArray();
    for (int i = 0; i < 4; i++) {
      ones.add(1.0); // unit factors: longrope's frequencies equal the default ones
    }
    rope.add("short_factor", ones);
    rope.add("long_factor", ones.deepCopy());
    Path dir = Files.createDirectories(tmp.resolve("phi3-longrope"));
    Files.writeString(dir.resolve("config.json"), c.toString());
    for (String file : new String[] {Checkpoint.SINGLE, "tokenizer.json", "tokenizer_config.json"}) {
      Files.createSymbolicLink(dir.resolve(file), f.dir().resolve(file).toAbsolutePath());
    }
    List<int[]> prompts = f.prompts().subList(0, 3).stream().map(GoldenFixture.Prompt::inputIds).toList();
    List<ScorePositionOutput> out = run(dir, prompts);
    for (int i = 0; i < prompts.size(); i++) {
      assertThat(out.get(i).generatedIds()).containsExactly(f.prompts().get(i).generated());
    }
    c.addProperty("original_max_position_embeddings", 64);
    Files.writeString(dir.resolve("config.json"), c.toString());
    assertThatThrownBy(() -> run(dir, prompts)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("longer than the 64 positions (original_max_position_embeddings)"
            + " within which lager reads this model's longrope rotary scaling");
  }

  private static List<ScorePositionOutput> run(Path dir, List<int[]> prompts) {
    try (DjlHiddenStateProvider p = Providers.load(DjlHiddenStateProvider::load,
        dir, ProviderOptions.of(ProviderOptions.Device.CPU, null))) {
      return p.generate(prompts, TEN);
    }
  }
}
