package io.github.lager.backend.djl;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * float16 and bfloat16 checkpoints reach the decoder as their raw bits (bfloat16 reinterpreted on
 * the device): computing in float32, a half-precision checkpoint gives exactly what a float32
 * checkpoint holding the same (rounded) values gives.
 */
class CheckpointDtypeTest {
  @ParameterizedTest
  @EnumSource(value = SafetensorsFile.DType.class, names = {"BF16", "F16"})
  void aHalfPrecisionCheckpointEqualsItsFloat32Widening(SafetensorsFile.DType dtype,
      @TempDir Path tmp) throws Exception {
    GoldenFixture f = GoldenFixture.load("tiny-qwen2");
    Path half = copy(f.dir(), tmp.resolve("half"), dtype, false);
    Path widened = copy(f.dir(), tmp.resolve("widened"), dtype, true);
    List<int[]> prompts = f.prompts().subList(0, 6).stream().map(GoldenFixture.Prompt::inputIds).toList();
    GenerationOptions options = new GenerationOptions(10, f.labelTokens(), new int[] {2}, 0);
    List<ScorePositionOutput> a = run(half, prompts, options);
    List<ScorePositionOutput> b = run(widened, prompts, options);
    int found = 0;
    for (int i = 0; i < prompts.size(); i++) {
      assertThat(a.get(i).generatedIds()).as("prompt %d", i).containsExactly(b.get(i).generatedIds());
      if (a.get(i) instanceof ScorePositionOutput.Found x) {
        assertThat(x.hiddenStates().toArray()).as("prompt %d", i)
            .containsExactly(((ScorePositionOutput.Found) b.get(i)).hiddenStates().toArray());
        found++;
      }
    }
    assertThat(found).isPositive();
  }

  private static List<ScorePositionOutput> run(Path dir, List<int[]> prompts,
      GenerationOptions options) {
    try (DjlHiddenStateProvider p = Providers.load(DjlHiddenStateProvider::load,
        dir, ProviderOptions.of(ProviderOptions.Device.CPU, "float32"))) {
      return p.generate(prompts, options);
    }
  }

  /** The fixture with every tensor rounded to {@code dtype}, stored as it or widened to F32. */
  private static Path copy(Path from, Path to, SafetensorsFile.DType dtype, boolean widen)
      throws Exception {
    Files.createDirectories(to);
    for (String file : new String[] {"config.json", "tokenizer.json", "tokenizer_config.json"}) {
      Files.copy(from.resolve(file), to.resolve(file));
    }
    Path rounded = to.resolve("rounded.safetensors");
    List<SafetensorsWriter.Tensor> tensors = new ArrayList<>();
    try (Checkpoint ckpt = Checkpoint.open(from)) {
      for (String name : ckpt.tensorNames()) {
        tensors.add(SafetensorsWriter.Tensor.of(name, dtype, ckpt.info(name).shape(), ckpt.read(name)));
      }
    }
    SafetensorsWriter.write(widen ? rounded : to.resolve(Checkpoint.SINGLE), tensors);
    if (widen) {
      List<SafetensorsWriter.Tensor> wide = new ArrayList<>();
      try (SafetensorsFile st = SafetensorsFile.open(rounded)) {
        for (String name : st.tensorNames()) {
          wide.add(SafetensorsWriter.Tensor.of(name, SafetensorsFile.DType.F32,
              st.info(name).shape(), st.read(name)));
        }
      }
      SafetensorsWriter.write(to.resolve(Checkpoint.SINGLE), wide);
      Files.delete(rounded);
    }
    return to;
  }
}
