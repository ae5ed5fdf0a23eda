package io.github.lager.backend.onnx;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxJavaType;
import io.github.lager.core.InvalidInputException;
import io.github.lager.hf.architecture.ModelConfig;
import io.github.lager.hf.backend.ProviderOptions;
import io.github.lager.testkit.GoldenFixture;
import io.github.lager.testkit.Providers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GraphContractTest {
  static final ModelConfig QWEN = ModelConfig.read(
      GoldenFixture.fixturesDir().resolve("tiny-qwen2/config.json"));
  static final Path FILE = Path.of("model.onnx");

  static GraphContract.Description valid() {
    Map<String, GraphContract.Tensor> in = new LinkedHashMap<>();
    in.put("input_ids", new GraphContract.Tensor(OnnxJavaType.INT64, new long[] {-1, -1}));
    in.put("attention_mask", new GraphContract.Tensor(OnnxJavaType.INT64, new long[] {-1, -1}));
    Map<String, GraphContract.Tensor> out = new LinkedHashMap<>();
    out.put("hidden_states", new GraphContract.Tensor(OnnxJavaType.FLOAT, new long[] {5, -1, 64}));
    out.put("logits", new GraphContract.Tensor(OnnxJavaType.FLOAT, new long[] {-1, 1536}));
    Map<String, String> meta = new HashMap<>(Map.of("lager.contract", "hidden-states-v1",
        "lager.num_hidden_layers", "4", "lager.hidden_size", "64", "lager.model_type", "qwen2",
        "lager.last_entry_final_norm", "true"));
    return new GraphContract.Description(in, out, meta);
  }

  @Test
  void theFixtureShapeIsAccepted() {
    assertThatCode(() -> GraphContract.check(valid(), QWEN, FILE)).doesNotThrowAnyException();
  }

  @Test
  void aStandardExportIsRefusedWithWhatIsMissing() {
    // what optimum's plain export looks like: logits for every position, no metadata
    Map<String, GraphContract.Tensor> out = Map.of("logits",
        new GraphContract.Tensor(OnnxJavaType.FLOAT, new long[] {-1, -1, 1536}));
    GraphContract.Description plain = new GraphContract.Description(valid().inputs(), out, Map.of());
    assertThatThrownBy(() -> GraphContract.check(plain, QWEN, FILE))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("model.onnx is not a hidden-state graph (contract v1) for this model:"
            + " metadata lager.contract is missing")
        .hasMessageContaining("output hidden_states is missing (the graph has [logits])")
        .hasMessageContaining("output logits is FLOAT of rank 3, expected FLOAT of rank 2")
        .hasMessageContaining("metadata lager.num_hidden_layers is missing")
        .hasMessageEndingWith("export one with tools/export_onnx.py (docs/onnx.md)");
  }

  @Test
  void aGraphOfAnotherModelIsRefused() {
    GraphContract.Description d = valid();
    d.metadata().put("lager.num_hidden_layers", "32");
    Map<String, GraphContract.Tensor> out = new LinkedHashMap<>(d.outputs());
    out.put("hidden_states", new GraphContract.Tensor(OnnxJavaType.FLOAT, new long[] {33, -1, 4096}));
    GraphContract.Description other = new GraphContract.Description(d.inputs(), out, d.metadata());
    assertThatThrownBy(() -> GraphContract.check(other, QWEN, FILE))
        .hasMessageContaining("output hidden_states dimension 0 (L+1 entries) is 33, config.json says 5")
        .hasMessageContaining("dimension 2 (hidden size) is 4096, config.json says 64")
        .hasMessageContaining("metadata lager.num_hidden_layers is '32', config.json says '4'");
  }

  @Test
  void aMissingGraphSaysHowToMakeOne(@TempDir Path dir) throws Exception {
    // graph=auto would build the decoder; contract-v1 asks for the exported graph
    copyWithoutGraph("tiny-qwen2", dir);
    assertThatThrownBy(() -> Providers.load(OnnxHiddenStateProvider::load, dir,
        new ProviderOptions(ProviderOptions.Device.CPU, java.util.Optional.empty(),
            Map.of("graph", "contract-v1"))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("has no model.onnx (graph=contract-v1)")
        .hasMessageContaining("tools/export_onnx.py");
  }

  @Test
  void aGraphForAnotherConfigIsRefusedOnLoad(@TempDir Path dir) throws Exception {
    // the tiny-llama graph beside the tiny-qwen2 config
    copyWithoutGraph("tiny-qwen2", dir);
    Files.copy(GoldenFixture.fixturesDir().resolve("tiny-llama/model.onnx"), dir.resolve("model.onnx"));
    assertThatThrownBy(() -> Providers.load(OnnxHiddenStateProvider::load, dir,
        ProviderOptions.defaults()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("metadata lager.num_hidden_layers is '5', config.json says '4'")
        .hasMessageContaining("metadata lager.model_type is 'llama', config.json says 'qwen2'");
  }

  /** The fixture's Hugging Face files without its model.onnx. */
  static void copyWithoutGraph(String fixture, Path to) throws java.io.IOException {
    try (var files = Files.list(GoldenFixture.fixturesDir().resolve(fixture))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        if (!f.getFileName().toString().equals(OnnxHiddenStateProvider.GRAPH)) {
          Files.copy(f, to.resolve(f.getFileName()));
        }
      }
    }
  }
}
