package io.github.lager.hf.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.lager.core.LagerException;
import io.github.lager.core.spi.HiddenStateProvider;
import io.github.lager.hf.model.ModelDirectory;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackendsTest {
  /** A factory that only answers selection questions; create() is never called here. */
  record Factory(String name, int rank, boolean isAvailable) implements HiddenStateProviderFactory {
    @Override
    public String unavailableReason() {
      return isAvailable ? "" : "natives missing";
    }

    @Override
    public HiddenStateProvider create(ModelDirectory model, ProviderOptions options) {
      throw new UnsupportedOperationException("selection test");
    }
  }

  static final Factory DJL = new Factory("djl", 20, true);
  static final Factory ONNX = new Factory("onnx", 10, true);
  static final Factory BROKEN = new Factory("cuda", 30, false);
  static final List<HiddenStateProviderFactory> ALL = List.of(BROKEN, DJL, ONNX);

  @Test
  void bestAvailableWinsWhenNothingIsNamed() {
    assertThat(Backends.select(null, null, null, ALL)).isSameAs(DJL);
  }

  @Test
  void explicitNameBeatsPropertyBeatsEnvironment() {
    assertThat(Backends.select("onnx", "djl", "djl", ALL)).isSameAs(ONNX);
    assertThat(Backends.select(null, "ONNX", "djl", ALL)).isSameAs(ONNX);
    assertThat(Backends.select(" ", null, "onnx", ALL)).isSameAs(ONNX);
  }

  @Test
  void unknownNameListsTheAvailableOnes() {
    assertThatThrownBy(() -> Backends.select(null, null, "tensorrt", ALL))
        .isInstanceOf(LagerException.class)
        .hasMessage("unknown backend 'tensorrt' (environment variable LAGER_BACKEND); available:"
            + " cuda, djl, onnx");
    assertThatThrownBy(() -> Backends.select("cuda", null, null, ALL))
        .hasMessage("backend 'cuda' (requested) cannot run here: natives missing");
    assertThatThrownBy(() -> Backends.select(null, null, null, List.of()))
        .hasMessageStartingWith("no lager backend on the class path");
  }

  @Test
  void serviceLoaderFindsRegisteredFactoriesByRank() {
    // src/test/resources/META-INF/services registers TestFactories.Low and .High
    assertThat(Backends.all()).extracting(HiddenStateProviderFactory::name)
        .containsExactly("test-high", "test-low");
  }
}
