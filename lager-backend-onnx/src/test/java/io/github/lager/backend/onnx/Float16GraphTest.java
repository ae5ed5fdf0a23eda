package io.github.lager.backend.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.lager.core.math.LayerLogits;
import io.github.lager.core.math.Projection;
import io.github.lager.core.math.ScoreHead;
import io.github.lager.core.spi.GenerationOptions;
import io.github.lager.core.spi.ScorePositionOutput;
import io.github.lager.hf.backend.ProviderOptions;
import io.github.lager.testkit.GoldenFixture;
import io.github.lager.testkit.Providers;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The float16 built graph ({@code --dtype float16}) against the reference's float32 outputs, on
 * ONNX Runtime's CPU provider, stated as the DJL backend's {@code HalfPrecisionTest} states
 * float16: the float32 greedy ids over all 10 steps on most prompts, and where the ids agree,
 * every entry's score logits within 5e-2 of their scale
 * ({@code max_k |a_k - b_k| / max(1, max_k |b_k|)}). Both decodings (steps and the loop).
 *
 * <p>Measured on the build machine (ONNX Runtime 1.29, AVX-512): the float32 ids on 22 to 24 of
 * 24 prompts per fixture, worst score-logit error 1.5e-4 to 3.9e-3; the share is held to 0.85
 * (21 of 24: one prompt below the lowest measured, for near-tie flips under other kernels).
 */
class Float16GraphTest {
  static final double MIN_SAME_IDS = 0.85;
  static final double RELATIVE_TOLERANCE = 5e-2;

  @ParameterizedTest(name = "{0}, {1}")
  @CsvSource({"tiny-qwen2, steps", "tiny-qwen2, loop", "tiny-llama, steps", "tiny-llama, loop",
      "tiny-qwen3, loop", "tiny-gemma3, loop", "tiny-phi3, loop"})
  void agreesWithTheFloat32Reference(String fixture, String decoding) {
    GoldenFixture f = GoldenFixture.load(fixture);
    List<GoldenFixture.Prompt> prompts = f.prompts();
    ScoreHead head = f.scoreHead();
    int sameIds = 0;
    int compared = 0;
    double worst = 0;
    try (OnnxHiddenStateProvider provider = Providers.load(OnnxHiddenStateProvider::load,
        f.dir(), new ProviderOptions(ProviderOptions.Device.CPU, Optional.of("float16"),
            Map.of("graph", "built", "decoding", decoding)))) {
      assertThat(provider.dtype()).isEqualTo("float16");
      List<ScorePositionOutput> outs = provider.generate(
          prompts.stream().map(GoldenFixture.Prompt::inputIds).toList(),
          new GenerationOptions(10, f.labelTokens(), new int[] {2}, 0));
      for (int i = 0; i < prompts.size(); i++) {
        GoldenFixture.Prompt p = prompts.get(i);
        ScorePositionOutput out = outs.get(i);
        if (!java.util.Arrays.equals(out.generatedIds(), p.generated())) {
          continue;
        }
        sameIds++;
        if (out instanceof ScorePositionOutput.Found found) {
          assertThat(found.finalLogSumExp()).as("prompt %d", i).isFinite();
          LayerLogits z = Projection.project(found.hiddenStates(), head);
          LayerLogits golden = p.batch1Logits().orElseThrow();
          for (int l = 0; l < golden.entries(); l++) {
            worst = Math.max(worst, relativeError(z.row(l), golden.row(l)));
          }
          compared++;
        }
      }
    }
    System.out.printf("onnx float16 %s (%s): same ids on %d of %d prompts, worst relative logit"
        + " error %.2e over %d%n", fixture, decoding, sameIds, prompts.size(), worst, compared);
    assertThat((double) sameIds / prompts.size())
        .as("share of prompts with the float32 reference's greedy ids")
        .isGreaterThanOrEqualTo(MIN_SAME_IDS);
    assertThat(compared).isPositive();
    assertThat(worst).as("worst relative score-logit error (tolerance %s)", RELATIVE_TOLERANCE)
        .isLessThanOrEqualTo(RELATIVE_TOLERANCE);
  }

  static double relativeError(float[] a, float[] b) {
    double scale = 1;
    double err = 0;
    for (int k = 0; k < b.length; k++) {
      scale = Math.max(scale, Math.abs(b[k]));
      err = Math.max(err, Math.abs(a[k] - b[k]));
    }
    return err / scale;
  }
}
