package io.github.lager.backend.onnx;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.lager.core.InvalidInputException;
import io.github.lager.hf.checkpoint.SafetensorsFile;
import io.github.lager.testkit.GoldenFixture;
import io.github.lager.testkit.Providers;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A weight holding NaN or an infinity is refused while the decoder graph is built, naming the
 * tensor, in every checkpoint dtype; otherwise ONNX Runtime would run it and every sample would be
 * reported as "no score token". The same checkpoint with finite weights loads.
 */
class NonFiniteWeightsTest {
  @ParameterizedTest
  @CsvSource({"F32, model.layers.2.mlp.up_proj.weight, NaN",
      "BF16, model.layers.0.self_attn.q_proj.weight, Infinity",
      "F16, model.embed_tokens.weight, NaN",
      "F16, model.layers.1.input_layernorm.weight, Infinity",
      "F32, lm_head.weight, -Infinity"})
  void aNonFiniteWeightIsRefusedNamingTheTensor(SafetensorsFile.DType dtype, String tensor,
      float bad, @TempDir Path tmp) throws Exception {
    Path dir = copy(tmp, dtype, tensor, bad);
    assertThatThrownBy(() -> Providers.load(OnnxHiddenStateProvider::load, dir,
        BuiltGraphProviderTest.BUILT).close())
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(dir + ": tensor " + tensor + " holds NaN or infinite values; the checkpoint is"
            + " damaged (or overflowed when it was saved in float16), and no score computed from"
            + " it would mean anything");
  }

  @ParameterizedTest
  @EnumSource(SafetensorsFile.DType.class)
  void theCopyWithFiniteWeightsLoads(SafetensorsFile.DType dtype, @TempDir Path tmp)
      throws Exception {
    Path dir = copy(tmp, dtype, "", 0f);
    Providers.load(OnnxHiddenStateProvider::load, dir, BuiltGraphProviderTest.BUILT).close();
  }

  /** tiny-qwen2 written in {@code dtype}, with {@code bad} in the middle of {@code tensor}. */
  private static Path copy(Path tmp, SafetensorsFile.DType dtype, String tensor, float bad)
      throws Exception {
    return GoldenFixture.load("tiny-qwen2").copyWithValue(tmp.resolve("model"), dtype, tensor,
        bad);
  }
}
