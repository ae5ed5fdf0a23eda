package io.github.lager.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.lager.backend.djl.DjlHiddenStateProvider;
import io.github.lager.hf.ModelConfig;
import io.github.lager.core.spi.GenerationOptions;
import io.github.lager.core.spi.ProviderOptions;
import io.github.lager.core.spi.ScorePositionOutput;
import io.github.lager.hf.ModelDirectory;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticCheckpointTest {
  static Path fixtures() {
    return Path.of(System.getProperty("lager.project.root", ".."), "fixtures");
  }

  @Test
  void aSyntheticCheckpointLoadsAndRuns(@TempDir Path dir) throws Exception {
    SyntheticCheckpoint.Shape shape = SyntheticCheckpoint.Shape.named("tiny", 1536);
    for (boolean bf16 : new boolean[] {false, true}) {
      Path model = dir.resolve(bf16 ? "bf16" : "f32");
      SyntheticCheckpoint.write(model, shape, fixtures().resolve("tiny-qwen2"), bf16, 1);
      ModelConfig c = ModelConfig.read(model.resolve("config.json"));
      assertThat(c.numHiddenLayers()).isEqualTo(4);
      assertThat(PipelineBench.layerParameters(c)).isEqualTo(shape.layerParameters());
      try (ModelDirectory md = ModelDirectory.open(model);
          DjlHiddenStateProvider p = DjlHiddenStateProvider.load(
              new ProviderOptions(model, ProviderOptions.Device.CPU, java.util.Map.of()))) {
        int[] ids = md.encoder(true).tokenize(md.encoder(true).render("Score this from 1 to 5."));
        List<ScorePositionOutput> out = p.generate(List.of(ids),
            new GenerationOptions(3, md.scoreScale(5), md.eosTokenIds(), md.padTokenId()));
        assertThat(out.get(0).generatedIds()).hasSizeBetween(1, 3);
      }
    }
  }

  @Test
  void prefillFlopsCountProjectionsAttentionAndTheLastHead() {
    ModelConfig c = ModelConfig.read(fixtures().resolve("tiny-qwen2/config.json"));
    // tiny-qwen2: L=4, H=64, heads 4 x 16, kv 2 x 16, I=176, V=1536
    long perLayer = 64 * 64 + 2 * 64 * 32 + 64 * 64 + 3 * 64 * 176;
    // causal attention: 100 x 101 / 2 query-key pairs per head and row
    double expected = 2.0 * 3 * 100 * 4 * perLayer + 4.0 * 4 * 3 * 4 * 16 * (100 * 101 / 2.0)
        + 2.0 * 3 * 64 * 1536;
    assertThat(PipelineBench.prefillFlops(c, 3, 100)).isEqualTo(expected);
  }
}
