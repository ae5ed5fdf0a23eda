package io.github.lager.backend.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.lager.core.spi.GenerationOptions;
import io.github.lager.core.spi.HiddenStateProvider;
import io.github.lager.core.spi.ScorePositionOutput;
import io.github.lager.core.spi.ScorePositionRule;
import io.github.lager.hf.backend.ProviderOptions;
import io.github.lager.testkit.GoldenFixture;
import io.github.lager.testkit.HiddenStateProviderContract;
import io.github.lager.testkit.Providers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ONNX backend with the whole greedy loop inside the built graph ({@code decoding=loop}),
 * against the reference's golden outputs: the same contract as the past/present graph
 * ({@link BuiltGraphProviderTest}), with left-padded prefill chunks of 64 positions.
 */
class LoopGraphProviderTest extends HiddenStateProviderContract {
  static final ProviderOptions LOOP = new ProviderOptions(ProviderOptions.Device.CPU,
      Optional.empty(), Map.of("graph", "built", "prefill_chunk", "64", "decoding", "loop"));

  @Override
  protected HiddenStateProvider create(Path modelDir) {
    HiddenStateProvider p = Providers.load(OnnxHiddenStateProvider::load, modelDir, LOOP);
    assertThat(((OnnxHiddenStateProvider) p).decoding())
        .isEqualTo(OnnxHiddenStateProvider.Decoding.LOOP);
    return p;
  }

  /**
   * The loop graph against the past/present graph on every fixture's prompts in batches of 4,
   * decoding 40 tokens (rows end at different steps): identical ids and score steps, hidden
   * states and log-sum-exp within 1e-4 x max(1, |value|). With an anchor rule the loop provider
   * decodes by steps (the graph cannot read text): the same ids and score steps too.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void agreesWithThePastPresentGraph(String fixture) throws Exception {
    GoldenFixture f = GoldenFixture.load(fixture);
    GenerationOptions lastLabel = options(f).withMaxNewTokens(40);
    GenerationOptions anchored = new GenerationOptions(40, f.labelTokens(), new int[] {2}, 0, false,
        ScorePositionRule.firstLabelTokenAfter(" ", ids -> Arrays.toString(ids)));
    List<int[]> prompts = new ArrayList<>();
    f.prompts().forEach(p -> prompts.add(p.inputIds()));
    try (HiddenStateProvider loop = Providers.load(OnnxHiddenStateProvider::load, f.dir(), LOOP);
        HiddenStateProvider steps = Providers.load(OnnxHiddenStateProvider::load, f.dir(),
            BuiltGraphProviderTest.BUILT)) {
      int found = 0;
      for (GenerationOptions options : List.of(lastLabel, anchored)) {
        for (int start = 0; start < prompts.size(); start += 4) {
          List<int[]> batch = prompts.subList(start, Math.min(prompts.size(), start + 4));
          List<ScorePositionOutput> a = loop.generate(batch, options);
          List<ScorePositionOutput> b = steps.generate(batch, options);
          for (int i = 0; i < batch.size(); i++) {
            String where = fixture + " prompt " + (start + i) + ", " + options.scorePosition();
            assertThat(a.get(i).generatedIds()).as("ids, %s", where)
                .containsExactly(b.get(i).generatedIds());
            assertThat(a.get(i).getClass()).as(where).isEqualTo(b.get(i).getClass());
            if (a.get(i) instanceof ScorePositionOutput.Found x
                && b.get(i) instanceof ScorePositionOutput.Found y) {
              found++;
              assertThat(x.scoreStep()).as("score step, %s", where).isEqualTo(y.scoreStep());
              assertThat(x.finalLogSumExp()).as("log-sum-exp, %s", where)
                  .isCloseTo(y.finalLogSumExp(), within(1e-4 * Math.max(1,
                      Math.abs(y.finalLogSumExp()))));
              for (int l = 0; l < x.hiddenStates().entries(); l++) {
                float[] u = x.hiddenStates().row(l);
                float[] v = y.hiddenStates().row(l);
                for (int k = 0; k < u.length; k++) {
                  assertThat((double) u[k]).as("entry %d, element %d, %s", l, k, where)
                      .isCloseTo(v[k], within(1e-4 * Math.max(1, Math.abs(v[k]))));
                }
              }
            }
          }
        }
      }
      assertThat(found).as("rows with a score step").isPositive();
    }
  }
}
