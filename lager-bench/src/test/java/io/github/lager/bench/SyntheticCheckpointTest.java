package io.github.lager.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.lager.backend.djl.DjlHiddenStateProvider;
import io.github.lager.core.spi.GenerationOptions;
import io.github.lager.core.spi.ScorePositionOutput;
import io.github.lager.hf.architecture.ModelConfig;
import io.github.lager.hf.backend.ProviderOptions;
import io.github.lager.hf.checkpoint.Checkpoint;
import io.github.lager.hf.model.ModelDirectory;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticCheckpointTest {
  static Path fixtures() {
    return Path.of(System.getProperty("lager.project.root", ".."), "fixtures");
  }

  /**
   * A synthetic checkpoint matches its config (the architecture's own check), holds weights of
   * standard deviation 0.02 (norms 1), and runs: in bf16 as in f32, a prompt padded in a batch
   * gives what it gives alone.
   */
  @Test
  void aSyntheticCheckpointIsWhatItSaysAndRuns(@TempDir Path dir) throws Exception {
    SyntheticCheckpoint.Shape shape = SyntheticCheckpoint.Shape.named("tiny", 1536);
    for (boolean bf16 : new boolean[] {false, true}) {
      Path model = dir.resolve(bf16 ? "bf16" : "f32");
      SyntheticCheckpoint.write(model, shape, fixtures().resolve("tiny-qwen2"), bf16, 1);
      ModelConfig c = ModelConfig.read(model.resolve("config.json"));
      assertThat(PipelineBench.layerParameters(c)).isEqualTo(shape.layerParameters());
      try (Checkpoint ckpt = Checkpoint.open(model)) {
        c.architecture().layout(c, ckpt.tensorNames()).check(ckpt);
        float[] q = ckpt.read("model.layers.0.self_attn.q_proj.weight");
        double sq = 0;
        for (float v : q) {
          sq += (double) v * v;
        }
        assertThat(Math.sqrt(sq / q.length)).as("standard deviation").isCloseTo(0.02, within(4e-4));
        assertThat(ckpt.read("model.layers.0.input_layernorm.weight")).containsOnly(1f);
      }
      try (ModelDirectory md = ModelDirectory.open(model);
          DjlHiddenStateProvider p = DjlHiddenStateProvider.load(md,
              ProviderOptions.of(ProviderOptions.Device.CPU, null))) {
        GenerationOptions three = new GenerationOptions(3, md.labelTokens(5), md.eosTokenIds(),
            md.padTokenId());
        int[] shortIds = md.encoder(true).tokenize(md.encoder(true).render("Score this."));
        int[] longIds = md.encoder(true).tokenize(md.encoder(true).render(
            "Score this answer from 1 to 5, where 5 is the best."));
        List<ScorePositionOutput> batch = p.generate(List.of(shortIds, longIds), three);
        List<ScorePositionOutput> alone = p.generate(List.of(shortIds), three);
        assertThat(batch.get(0).generatedIds()).containsExactly(alone.get(0).generatedIds());
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
