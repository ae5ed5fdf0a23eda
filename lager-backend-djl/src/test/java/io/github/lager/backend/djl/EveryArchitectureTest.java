package io.github.lager.backend.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.lager.core.math.HiddenStates;
import io.github.lager.core.math.LabelTokens;
import io.github.lager.core.pipeline.ChatTokenizer;
import io.github.lager.core.spi.GenerationOptions;
import io.github.lager.core.spi.HiddenStateProvider;
import io.github.lager.core.spi.ScorePositionOutput;
import io.github.lager.hf.architecture.Architectures;
import io.github.lager.hf.backend.ProviderOptions;
import io.github.lager.hf.model.ModelDirectory;
import io.github.lager.testkit.GoldenFixture;
import io.github.lager.testkit.Providers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every family of the registry is checked: by a fixture with the reference's goldens (the
 * contract test), or, for Mistral (no fixture), by checks derived from the Llama fixture, whose
 * layout Mistral shares. Mistral without a window must equal Llama on the same weights; with a
 * window of 1 every position attends to itself alone, so the last position's hidden states must
 * equal the Llama model's on that one token (an exact masked reference: one key, softmax 1, the
 * value, whatever the rotary position).
 */
class EveryArchitectureTest {
  /** The families checked by a check derived from a fixture, not by a fixture of their own. */
  private static final Set<String> DERIVED = Set.of("mistral");

  @Test
  void everyRegisteredFamilyHasAFixtureOrADerivedCheck() throws IOException {
    Set<String> covered = new TreeSet<>(DERIVED);
    for (String model : GoldenFixture.NAMES) {
      covered.add(JsonParser.parseString(Files.readString(GoldenFixture.fixturesDir().resolve(model)
          .resolve("config.json"))).getAsJsonObject().get("model_type").getAsString());
    }
    for (String type : Architectures.modelTypes()) {
      String family = Architectures.forModelType(type).orElseThrow().name();
      assertThat(Architectures.forModelType(type).orElseThrow().modelTypes())
          .as("family %s (model_type %s) has no fixture and no derived check", family, type)
          .anyMatch(covered::contains);
    }
  }

  @Test
  void mistralWithoutAWindowIsLlamaAndWithAWindowOfOneMatchesTheMaskedReference(
      @TempDir Path dir) throws IOException {
    Path llama = GoldenFixture.fixturesDir().resolve("tiny-llama");
    Path plain = mistral(llama, dir.resolve("mistral"), null);
    Path windowed = mistral(llama, dir.resolve("mistral-w1"), 1);
    List<int[]> prompts = new ArrayList<>();
    GenerationOptions options;
    try (ModelDirectory m = ModelDirectory.open(llama)) {
      ChatTokenizer encoder = m.encoder(true);
      for (String text : List.of("Rate this answer from 1 to 5: the sky is blue.",
          "Is 2 + 2 = 4? Give a score.", "A longer prompt, so that the window has many tokens"
              + " to leave out: one two three four five six seven eight nine ten.")) {
        prompts.add(encoder.tokenize(encoder.render(text)));
      }
      // every token but EOS and pad is a label, so decoding ends at step 0 with a score token
      int[] ids = IntStream.range(0, m.config().vocabSize())
          .filter(i -> i != m.padTokenId() && IntStream.of(m.eosTokenIds()).noneMatch(e -> e == i))
          .toArray();
      options = new GenerationOptions(1, LabelTokens.oneToK(ids), m.eosTokenIds(),
          m.padTokenId());
    }
    List<HiddenStates> llamaStates = run(llama, prompts, options);
    List<HiddenStates> mistralStates = run(plain, prompts, options);
    for (int p = 0; p < prompts.size(); p++) {
      assertThat(mistralStates.get(p).toArray()).as("prompt %d", p)
          .containsExactly(llamaStates.get(p).toArray());
    }
    List<HiddenStates> window1 = run(windowed, prompts, options);
    List<int[]> lastTokens = prompts.stream().map(ids -> new int[] {ids[ids.length - 1]}).toList();
    List<HiddenStates> reference = run(llama, lastTokens, options);
    for (int p = 0; p < prompts.size(); p++) {
      float[] actual = window1.get(p).toArray();
      float[] expected = reference.get(p).toArray();
      assertThat(actual).hasSameSizeAs(expected);
      for (int i = 0; i < actual.length; i++) {
        assertThat(actual[i]).as("prompt %d, value %d", p, i).isCloseTo(expected[i], within(1e-4f));
      }
      // and the window changes something: the full-attention states differ
      assertThat(actual).isNotEqualTo(llamaStates.get(p).toArray());
    }
  }

  /** The hidden states at the score position of each prompt, batched as a backend is. */
  private static List<HiddenStates> run(Path model, List<int[]> prompts,
      GenerationOptions options) {
    try (HiddenStateProvider provider = Providers.load(DjlHiddenStateProvider::load, model,
        ProviderOptions.of(ProviderOptions.Device.CPU, null))) {
      List<HiddenStates> out = new ArrayList<>();
      for (ScorePositionOutput o : provider.generate(prompts, options)) {
        assertThat(o).isInstanceOf(ScorePositionOutput.Found.class);
        ScorePositionOutput.Found f = (ScorePositionOutput.Found) o;
        assertThat(f.scoreStep()).isZero();
        out.add(f.hiddenStates());
      }
      return out;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The Llama fixture as a Mistral checkpoint: the same files, config.json says Mistral. */
  private static Path mistral(Path llama, Path dir, Integer window) throws IOException {
    Files.createDirectories(dir);
    try (var files = Files.list(llama)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
    }
    JsonObject c = JsonParser.parseString(Files.readString(dir.resolve("config.json")))
        .getAsJsonObject();
    c.addProperty("model_type", "mistral");
    JsonArray names = new JsonArray();
    names.add("MistralForCausalLM");
    c.add("architectures", names);
    if (window != null) {
      c.addProperty("sliding_window", window);
    }
    Files.writeString(dir.resolve("config.json"), c.toString());
    return dir;
  }
}
