package io.github.lager.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.lager.core.math.LayerWeights;
import io.github.lager.core.math.ScoreMethod;
import io.github.lager.hf.backend.ProviderOptions;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JudgeBuilderOptionsTest {
  /** The smallest adapter builder: only the shared options. */
  static final class Options extends JudgeBuilderOptions<Options> {
    @Override
    protected Options self() {
      return this;
    }
  }

  @Test
  void theBackendDeviceDtypeAndWeightsSetHereOverrideTheJudgeOptions() {
    LayerWeights w = new LayerWeights(new double[] {0.25, 0.75});
    JudgeOptions base = JudgeOptions.builder().backend("onnx").dtype("float16").build();
    JudgeOptions o = new Options().judgeOptions(base).backend("djl")
        .device(ProviderOptions.Device.CPU).weights(w).judgeOptions().build();
    assertThat(o.backend()).contains("djl");
    assertThat(o.providerOptions().device()).isEqualTo(ProviderOptions.Device.CPU);
    assertThat(o.providerOptions().dtype()).contains("float16");
    assertThat(o.weights()).contains(w);
    assertThat(new Options().judgeOptions(base).judgeOptions().build().backend())
        .isEqualTo(Optional.of("onnx"));
  }

  @Test
  void aTunedScoreMethodWithoutWeightsAndAMissingModelDirectoryAreRefused() {
    Options o = new Options().scoreMethod(ScoreMethod.LAGER_W);
    assertThatThrownBy(() -> o.scoreMethod(o.judgeOptions().build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the score method lager_w needs tuned layer weights: set weights(...) or use"
            + " lager_wo");
    assertThatThrownBy(o::modelDirectory).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("modelDirectory is required");
    assertThat(new Options().modelDirectory(Path.of("m")).modelDirectory()).isEqualTo(Path.of("m"));
  }
}
