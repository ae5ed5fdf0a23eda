package io.github.lager.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.github.lager.core.math.HiddenStates;
import io.github.lager.core.math.LayerLogits;
import io.github.lager.core.math.Projection;
import io.github.lager.core.math.ScoreHead;
import io.github.lager.core.spi.GenerationOptions;
import io.github.lager.core.spi.HiddenStateProvider;
import io.github.lager.core.spi.ScorePositionOutput;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract every {@link HiddenStateProvider} passes, on the five fixtures and batch sizes 1, 3
 * and 4 (padding, a last batch of another size): for every golden prompt, the generated ids
 * and score step equal the reference's, validity matches, and the hidden states at the score
 * position and the per-layer score logits (projected on the fixture's LM-head rows) match the
 * golden {@code hidden_at_score} and {@code batch1} within {@code 1e-4 x max(1, |value|)}, and
 * {@code batch4} within the same or the reference's own batch-4 spread
 * ({@link GoldenFixture#batch4Tolerance()}).
 *
 * <p>A backend test extends this class and implements {@link #create(Path)}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class HiddenStateProviderContract {
  private final Map<String, HiddenStateProvider> providers = new HashMap<>();

  /** Loads the backend's provider for a fixture model directory. */
  protected abstract HiddenStateProvider create(Path modelDir);

  static Stream<Arguments> fixturesAndBatchSizes() {
    List<Arguments> out = new ArrayList<>();
    for (String name : GoldenFixture.NAMES) {
      for (int batch : new int[] {1, 3, 4}) {
        out.add(Arguments.of(name, batch));
      }
    }
    return out.stream();
  }

  /** The fixture's EOS (2) and pad (0) ids, as its generation_config.json sets them. */
  protected static GenerationOptions options(GoldenFixture f) {
    return new GenerationOptions(10, f.labelTokens(), new int[] {2}, 0);
  }

  @ParameterizedTest(name = "{0}, batch size {1}")
  @MethodSource("fixturesAndBatchSizes")
  void matchesTheReferenceOnEveryGoldenPrompt(String fixture, int batchSize) {
    GoldenFixture f = GoldenFixture.load(fixture);
    HiddenStateProvider provider = providers.computeIfAbsent(fixture, n -> create(f.dir()));
    assertThat(provider.numHiddenLayers()).isEqualTo(f.numHiddenLayers());
    ScoreHead head = f.scoreHead();
    List<GoldenFixture.Prompt> prompts = f.prompts();
    int checkedStates = 0;
    for (int start = 0; start < prompts.size(); start += batchSize) {
      List<GoldenFixture.Prompt> batch = prompts.subList(start, Math.min(prompts.size(), start + batchSize));
      List<ScorePositionOutput> outs = provider.generate(
          batch.stream().map(GoldenFixture.Prompt::inputIds).toList(), options(f));
      assertThat(outs).hasSameSizeAs(batch);
      for (int i = 0; i < batch.size(); i++) {
        GoldenFixture.Prompt p = batch.get(i);
        ScorePositionOutput out = outs.get(i);
        String where = fixture + " idx " + p.idx() + " (batch size " + batchSize + ")";
        assertThat(out.generatedIds()).as("generated ids, %s", where).containsExactly(p.generated());
        if (!p.valid()) {
          assertThat(out).as("no score token, %s", where).isInstanceOf(ScorePositionOutput.NoScoreToken.class);
          continue;
        }
        if (!(out instanceof ScorePositionOutput.Found found)) {
          fail("expected a score token at step %s, %s", p.scoreStep().get(), where);
          return;
        }
        assertThat(found.scoreStep()).as("score step, %s", where).isEqualTo(p.scoreStep().get());
        HiddenStates h = found.hiddenStates();
        assertThat(h.entries()).isEqualTo(f.numHiddenLayers() + 1);
        float[][] expected = p.hiddenAtScore().orElseThrow();
        for (int l = 0; l < expected.length; l++) {
          assertClose(h.row(l), expected[l], "hidden state entry " + l + ", " + where);
        }
        LayerLogits z = Projection.project(h, head);
        assertLogitsClose(z, p.batch1Logits().orElseThrow(), h, head,
            GoldenFixture.RELATIVE_TOLERANCE, "logits vs batch1, " + where);
        assertLogitsClose(z, p.batch4Logits().orElseThrow(), h, head, f.batch4Tolerance(),
            "logits vs batch4, " + where);
        checkedStates++;
      }
    }
    assertThat(checkedStates).isEqualTo(prompts.stream().filter(GoldenFixture.Prompt::valid).count());
  }

  /**
   * With stop-at-first-score, each row ends at its first score token: its ids are the reference's
   * up to that token, and rows that end early leave the batch without changing the others (a
   * batch of 4 gives, row for row, what each prompt gives alone).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void stopAtFirstScoreEndsEachRowAtItsFirstScoreToken(String fixture) {
    GoldenFixture f = GoldenFixture.load(fixture);
    HiddenStateProvider provider = providers.computeIfAbsent(fixture, n -> create(f.dir()));
    GenerationOptions stop = options(f).withStopAtFirstScore(true);
    List<GoldenFixture.Prompt> prompts = f.prompts();
    int endedEarly = 0;
    for (int start = 0; start < prompts.size(); start += 4) {
      List<GoldenFixture.Prompt> batch = prompts.subList(start, Math.min(prompts.size(), start + 4));
      List<ScorePositionOutput> together = provider.generate(
          batch.stream().map(GoldenFixture.Prompt::inputIds).toList(), stop);
      for (int i = 0; i < batch.size(); i++) {
        GoldenFixture.Prompt p = batch.get(i);
        String where = fixture + " idx " + p.idx();
        int first = firstScoreToken(p.generated(), f);
        int[] expected = first < 0 ? p.generated() : java.util.Arrays.copyOf(p.generated(), first + 1);
        assertThat(together.get(i).generatedIds()).as("ids, %s", where).containsExactly(expected);
        if (expected.length < p.generated().length) {
          endedEarly++;
        }
        ScorePositionOutput alone = provider.generate(List.of(p.inputIds()), stop).get(0);
        assertThat(alone.generatedIds()).as("ids alone, %s", where).containsExactly(expected);
        if (together.get(i) instanceof ScorePositionOutput.Found t
            && alone instanceof ScorePositionOutput.Found a) {
          assertThat(t.scoreStep()).as("score step, %s", where).isEqualTo(first);
          for (int l = 0; l < t.hiddenStates().entries(); l++) {
            assertClose(t.hiddenStates().row(l), a.hiddenStates().row(l),
                "hidden state entry " + l + " in a batch of 4 vs alone, " + where);
          }
        } else {
          assertThat(first).as("no score token, %s", where).isNegative();
        }
      }
    }
    assertThat(endedEarly).as("rows that ended before maxNewTokens").isPositive();
  }

  /**
   * Whether the backend reports the final layer's log-sum-exp over the vocabulary (a
   * contract-v1 {@code model.onnx} has no such output: it must then report NaN).
   */
  protected boolean reportsFinalLogSumExp() {
    return true;
  }

  /**
   * {@link ScorePositionOutput.Found#finalLogSumExp} is the log-sum-exp over the whole vocabulary
   * of the final hidden state (entry L) times the LM head, computed here in double precision from
   * the checkpoint.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void reportsTheFinalLayersLogSumExpOverTheVocabulary(String fixture) {
    GoldenFixture f = GoldenFixture.load(fixture);
    HiddenStateProvider provider = providers.computeIfAbsent(fixture, n -> create(f.dir()));
    float[] head = f.lmHead();
    int hidden = provider.hiddenSize();
    int vocab = head.length / hidden;
    List<GoldenFixture.Prompt> prompts = f.prompts();
    int checked = 0;
    for (int start = 0; start < prompts.size(); start += 4) {
      List<GoldenFixture.Prompt> batch = prompts.subList(start, Math.min(prompts.size(), start + 4));
      List<ScorePositionOutput> outs = provider.generate(
          batch.stream().map(GoldenFixture.Prompt::inputIds).toList(), options(f));
      for (int i = 0; i < batch.size(); i++) {
        if (!(outs.get(i) instanceof ScorePositionOutput.Found found)) {
          continue;
        }
        String where = fixture + " idx " + batch.get(i).idx();
        if (!reportsFinalLogSumExp()) {
          assertThat(found.finalLogSumExp()).as("unknown log-sum-exp, %s", where).isNaN();
          checked++;
          continue;
        }
        float[] last = found.hiddenStates().row(found.hiddenStates().entries() - 1);
        double[] logits = new double[vocab];
        double max = Double.NEGATIVE_INFINITY;
        double scale = 0;
        for (int v = 0; v < vocab; v++) {
          double dot = 0;
          double abs = 0;
          for (int d = 0; d < hidden; d++) {
            dot += (double) last[d] * head[v * hidden + d];
            abs += Math.abs((double) last[d] * head[v * hidden + d]);
          }
          logits[v] = dot;
          max = Math.max(max, dot);
          scale = Math.max(scale, abs);
        }
        double sum = 0;
        for (double z : logits) {
          sum += Math.exp(z - max);
        }
        double expected = max + Math.log(sum);
        // float32 dot products: each logit within about hidden x 2^-24 x sum|terms|
        double tol = GoldenFixture.RELATIVE_TOLERANCE * Math.max(1, Math.abs(expected))
            + hidden * 0x1p-24 * scale;
        assertThat(found.finalLogSumExp()).as("final log-sum-exp, %s", where)
            .isCloseTo(expected, org.assertj.core.data.Offset.offset(tol));
        checked++;
      }
    }
    assertThat(checked).as("prompts with a score token").isPositive();
  }

  static Stream<Arguments> fixtures() {
    return GoldenFixture.NAMES.stream().map(Arguments::of);
  }

  private static int firstScoreToken(int[] ids, GoldenFixture f) {
    for (int j = 0; j < ids.length; j++) {
      if (f.labelTokens().indexOfToken(ids[j]) >= 0) {
        return j;
      }
    }
    return -1;
  }

  /**
   * Score logits within {@code relative x max(1, |golden|)} plus the float32 rounding bound of
   * their dot products ({@link Projection#float32ErrorBound}), which matters where large terms
   * cancel (Gemma 3's late layers).
   */
  static void assertLogitsClose(LayerLogits actual, LayerLogits expected, HiddenStates states,
      ScoreHead head, double relative, String what) {
    assertThat(actual.entries()).as(what).isEqualTo(expected.entries());
    for (int l = 0; l < expected.entries(); l++) {
      for (int k = 0; k < expected.points(); k++) {
        double e = expected.get(l, k);
        double tol = relative * Math.max(1, Math.abs(e)) + Projection.float32ErrorBound(states, head, l, k);
        if (Math.abs(actual.get(l, k) - e) > tol) {
          fail("%s, entry %d, score %d: %s vs golden %s (tolerance %s = %s x max(1, |golden|) +"
              + " float32 rounding bound)", what, l, k, actual.get(l, k), e, tol, relative);
        }
      }
    }
  }

  static void assertClose(float[] actual, float[] expected, String what) {
    assertClose(actual, expected, GoldenFixture.RELATIVE_TOLERANCE, what);
  }

  static void assertClose(float[] actual, float[] expected, double relative, String what) {
    assertThat(actual).as(what).hasSameSizeAs(expected);
    for (int i = 0; i < expected.length; i++) {
      double tol = relative * Math.max(1, Math.abs(expected[i]));
      if (Math.abs(actual[i] - expected[i]) > tol) {
        fail("%s, element %d: %s vs golden %s (tolerance %s = %s x max(1, |golden|))", what, i,
            actual[i], expected[i], tol, relative);
      }
    }
  }

  @AfterAll
  void closeProviders() {
    providers.values().forEach(HiddenStateProvider::close);
  }
}
