package io.github.lager.backend.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.lager.backend.djl.DjlHiddenStateProvider;
import io.github.lager.core.spi.GenerationOptions;
import io.github.lager.core.spi.HiddenStateProvider;
import io.github.lager.core.spi.ScorePositionOutput;
import io.github.lager.hf.backend.ProviderOptions;
import io.github.lager.hf.model.ModelDirectory;
import io.github.lager.testkit.GoldenFixture;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * DJL, ONNX Runtime on the contract-v1 graph and ONNX Runtime on the built decoder graph (KV
 * cache) agree on inputs the golden traces do not hold, on every fixture: six golden prompts cut
 * short at three lengths, in one batch of mixed lengths, 16 new tokens.
 */
class CrossBackendTest {
  @ParameterizedTest
  @MethodSource("io.github.lager.testkit.GoldenFixture#names")
  void djlAndBothOnnxGraphsAgree(String fixture) {
    GoldenFixture f = GoldenFixture.load(fixture);
    List<int[]> prompts = new ArrayList<>();
    for (GoldenFixture.Prompt p : f.prompts().subList(0, 6)) {
      for (int cut : new int[] {40, 97, p.inputIds().length}) {
        prompts.add(Arrays.copyOf(p.inputIds(), cut));
      }
    }
    GenerationOptions options = new GenerationOptions(16, f.labelTokens(), new int[] {2}, 0);
    ProviderOptions cpu = ProviderOptions.of(ProviderOptions.Device.CPU, null);
    ProviderOptions v1 = new ProviderOptions(ProviderOptions.Device.CPU, Optional.empty(),
        Map.of("graph", "contract-v1"));
    List<ScorePositionOutput> djl;
    List<ScorePositionOutput> onnx;
    List<ScorePositionOutput> kv;
    try (ModelDirectory model = ModelDirectory.open(f.dir());
        HiddenStateProvider a = DjlHiddenStateProvider.load(model, cpu);
        HiddenStateProvider b = OnnxHiddenStateProvider.load(model, v1);
        HiddenStateProvider c = OnnxHiddenStateProvider.load(model, BuiltGraphProviderTest.BUILT)) {
      djl = a.generate(prompts, options);
      onnx = b.generate(prompts, options);
      kv = c.generate(prompts, options);
    }
    agree(djl, onnx, "DJL vs contract-v1 graph");
    agree(djl, kv, "DJL vs built graph");
    agree(onnx, kv, "contract-v1 graph vs built graph");
  }

  private static void agree(List<ScorePositionOutput> djl, List<ScorePositionOutput> onnx,
      String what) {
    int n = djl.size();
    int found = 0;
    for (int i = 0; i < n; i++) {
      assertThat(onnx.get(i).generatedIds()).as("%s: generated ids, prompt %d", what, i)
          .containsExactly(djl.get(i).generatedIds());
      assertThat(onnx.get(i).getClass()).isEqualTo(djl.get(i).getClass());
      if (djl.get(i) instanceof ScorePositionOutput.Found x
          && onnx.get(i) instanceof ScorePositionOutput.Found y) {
        assertThat(y.scoreStep()).isEqualTo(x.scoreStep());
        float[] p = x.hiddenStates().toArray();
        float[] q = y.hiddenStates().toArray();
        for (int k = 0; k < p.length; k++) {
          assertThat(Math.abs(p[k] - q[k])).as("%s: prompt %d value %d", what, i, k)
              .isLessThanOrEqualTo((float) (GoldenFixture.RELATIVE_TOLERANCE * Math.max(1, Math.abs(p[k]))));
        }
        found++;
      }
    }
    assertThat(found).as(what).isGreaterThan(n / 2);
  }
}
