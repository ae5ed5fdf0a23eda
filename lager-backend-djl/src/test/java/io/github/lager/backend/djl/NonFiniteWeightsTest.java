package io.github.lager.backend.djl;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.lager.core.InvalidInputException;
import io.github.lager.hf.backend.ProviderOptions;
import io.github.lager.hf.checkpoint.SafetensorsFile;
import io.github.lager.testkit.GoldenFixture;
import io.github.lager.testkit.Providers;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A weight holding NaN or an infinity is refused while the weights are converted on the device,
 * naming the tensor, in every checkpoint dtype (bfloat16 bits are checked after their
 * reinterpretation); otherwise every sample's hidden states would be NaN and reported as "no
 * score token".
 */
class NonFiniteWeightsTest {
  @ParameterizedTest
  @CsvSource({"F32, model.layers.2.mlp.up_proj.weight, NaN",
      "BF16, model.layers.0.self_attn.q_proj.weight, Infinity",
      "F16, model.embed_tokens.weight, NaN",
      "F32, lm_head.weight, -Infinity"})
  void aNonFiniteWeightIsRefusedNamingTheTensor(SafetensorsFile.DType dtype, String tensor,
      float bad, @TempDir Path tmp) throws Exception {
    Path dir = GoldenFixture.load("tiny-qwen2").copyWithValue(tmp.resolve("model"), dtype,
        tensor, bad);
    assertThatThrownBy(() -> Providers.load(DjlHiddenStateProvider::load, dir,
        ProviderOptions.of(ProviderOptions.Device.CPU, "float32")).close())
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(dir + ": tensor " + tensor + " holds NaN or infinite values; the checkpoint is"
            + " damaged (or overflowed when it was saved in float16), and no score computed from"
            + " it would mean anything");
  }
}
