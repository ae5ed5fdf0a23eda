package io.github.lager.backend.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.lager.backend.onnx.proto.Onnx;
import io.github.lager.core.InvalidInputException;
import io.github.lager.core.spi.GenerationOptions;
import io.github.lager.core.spi.ScorePositionOutput;
import io.github.lager.hf.architecture.TensorLayout;
import io.github.lager.hf.backend.ProviderOptions;
import io.github.lager.hf.checkpoint.Checkpoint;
import io.github.lager.hf.checkpoint.SafetensorsFile;
import io.github.lager.hf.checkpoint.SafetensorsWriter;
import io.github.lager.hf.model.ModelDirectory;
import io.github.lager.testkit.GoldenFixture;
import io.github.lager.testkit.Providers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The decoder graph the ONNX backend builds: its weights, its selection, its dtypes. */
class BuiltGraphTest {
  @ParameterizedTest
  @MethodSource("io.github.lager.testkit.GoldenFixture#names")
  void everyWeightStaysInTheSafetensorsAtItsByteOffset(String fixture) {
    try (ModelDirectory dir = ModelDirectory.open(GoldenFixture.load(fixture).dir())) {
      Checkpoint ckpt = dir.checkpoint();
      TensorLayout layout = dir.layout();
      Onnx.ModelProto model = DecoderGraph.build(dir.config(), layout, ckpt);
      Map<String, Onnx.TensorProto> initializers = new HashMap<>();
      for (Onnx.TensorProto t : model.getGraph().getInitializerList()) {
        initializers.put(t.getName(), t);
      }
      for (TensorLayout.Tensor t : layout.tensors()) {
        Onnx.TensorProto init = initializers.get(t.name());
        assertThat(init).as(t.name()).isNotNull();
        assertThat(init.getDataLocation()).as(t.name())
            .isEqualTo(Onnx.TensorProto.DataLocation.EXTERNAL);
        assertThat(init.getRawData().isEmpty()).as(t.name()).isTrue();
        Map<String, String> external = new HashMap<>();
        init.getExternalDataList().forEach(e -> external.put(e.getKey(), e.getValue()));
        Checkpoint.Location where = ckpt.location(t.name());
        assertThat(external).as(t.name()).containsEntry("location", "model.safetensors")
            .containsEntry("offset", Long.toString(where.offset()))
            .containsEntry("length", Long.toString(where.length()));
      }
      // the model itself holds the graph and the rotary tables, not the weights
      assertThat(model.getSerializedSize()).isLessThan(256 * 1024);
      assertThat(model.getOpsetImport(0).getVersion()).isEqualTo(GraphWriter.OPSET);
    }
  }

  @Test
  void aDirectoryWithoutAGraphRunsTheBuiltGraph(@TempDir Path tmp) throws Exception {
    GoldenFixture f = GoldenFixture.load("tiny-gemma3");
    Path dir = tmp.resolve("hf");
    Files.createDirectories(dir);
    GraphContractTest.copyWithoutGraph("tiny-gemma3", dir);
    List<int[]> prompts = f.prompts().subList(0, 3).stream().map(GoldenFixture.Prompt::inputIds)
        .toList();
    GenerationOptions options = new GenerationOptions(8, f.labelTokens(), new int[] {2}, 0);
    try (OnnxHiddenStateProvider plain = Providers.load(OnnxHiddenStateProvider::load, dir,
            ProviderOptions.defaults());
        OnnxHiddenStateProvider v1 = Providers.load(OnnxHiddenStateProvider::load, f.dir(),
            ProviderOptions.defaults())) {
      assertThat(plain.graphKind()).isEqualTo(OnnxHiddenStateProvider.GraphKind.BUILT);
      assertThat(v1.graphKind()).isEqualTo(OnnxHiddenStateProvider.GraphKind.CONTRACT_V1);
      assertThat(plain.dtype()).isEqualTo("float32");
      assertThat(plain.device()).isEqualTo("cpu");
      List<ScorePositionOutput> a = plain.generate(prompts, options);
      List<ScorePositionOutput> b = v1.generate(prompts, options);
      for (int i = 0; i < prompts.size(); i++) {
        assertThat(a.get(i).generatedIds()).as("prompt %d", i)
            .containsExactly(b.get(i).generatedIds());
      }
    }
  }

  @Test
  void bfloat16IsRefusedNotComputedInAnotherDtype() {
    Path dir = GoldenFixture.load("tiny-qwen2").dir();
    assertThatThrownBy(() -> Providers.load(OnnxHiddenStateProvider::load, dir,
        ProviderOptions.of(ProviderOptions.Device.CPU, "bfloat16")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("--dtype bfloat16: the onnx backend runs float32 or float16 graphs")
        .hasMessageContaining("--backend djl");
    // float16 needs the built graph: a contract-v1 model.onnx runs as exported
    assertThatThrownBy(() -> Providers.load(OnnxHiddenStateProvider::load, dir,
        ProviderOptions.of(ProviderOptions.Device.CPU, "float16")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("float16 needs the built graph");
  }

  /**
   * A float16 graph of a float16 checkpoint: every weight a float16 initializer whose external
   * data is the checkpoint's own bytes (no Cast: nothing converted), the cache float16, the hidden
   * states and log-sum-exp float32.
   */
  @Test
  void aFloat16GraphUsesAFloat16CheckpointInPlace(@TempDir Path tmp) throws Exception {
    Path half = copy(GoldenFixture.load("tiny-qwen2").dir(), tmp.resolve("half"),
        SafetensorsFile.DType.F16, false);
    try (ModelDirectory dir = ModelDirectory.open(half)) {
      Checkpoint ckpt = dir.checkpoint();
      Onnx.ModelProto model = DecoderGraph.build(dir.config(), dir.layout(), ckpt,
          GraphWriter.FLOAT16, true);
      Map<String, Onnx.TensorProto> initializers = new HashMap<>();
      for (Onnx.TensorProto t : model.getGraph().getInitializerList()) {
        initializers.put(t.getName(), t);
      }
      for (TensorLayout.Tensor t : dir.layout().tensors()) {
        Onnx.TensorProto init = initializers.get(t.name());
        assertThat(init.getDataType()).as(t.name()).isEqualTo(GraphWriter.FLOAT16);
        Map<String, String> external = new HashMap<>();
        init.getExternalDataList().forEach(e -> external.put(e.getKey(), e.getValue()));
        assertThat(external).as(t.name())
            .containsEntry("offset", Long.toString(ckpt.location(t.name()).offset()))
            .containsEntry("length", Long.toString(ckpt.location(t.name()).length()));
      }
      assertThat(model.getGraph().getNodeList()).as("no weight is cast")
          .noneMatch(n -> n.getOpType().equals("Cast") && initializers.containsKey(n.getInput(0))
              && dir.layout().tensors().stream().anyMatch(t -> t.name().equals(n.getInput(0))));
      Map<String, Integer> outputs = new HashMap<>();
      model.getGraph().getOutputList().forEach(o -> outputs.put(o.getName(),
          o.getType().getTensorType().getElemType()));
      assertThat(outputs).containsEntry(DecoderGraph.HIDDEN_STATES, GraphWriter.FLOAT)
          .containsEntry(DecoderGraph.FINAL_LOGSUMEXP, GraphWriter.FLOAT)
          .containsEntry(DecoderGraph.LOOP_HIDDEN_STATES, GraphWriter.FLOAT)
          .containsEntry(DecoderGraph.presentKey(0), GraphWriter.FLOAT16);
    }
  }

  @Test
  void anUnknownGraphKindIsRefused() {
    Path dir = GoldenFixture.load("tiny-qwen2").dir();
    assertThatThrownBy(() -> Providers.load(OnnxHiddenStateProvider::load, dir,
        new ProviderOptions(ProviderOptions.Device.CPU, Optional.empty(),
            Map.of("graph", "traced"))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("onnx backend property graph='traced': use auto, built or contract-v1");
  }

  /**
   * float16 and bfloat16 weights are widened once at load (a Cast that ONNX Runtime folds): the
   * result equals, exactly, that of a float32 checkpoint holding the same rounded values.
   */
  @ParameterizedTest
  @EnumSource(value = SafetensorsFile.DType.class, names = {"BF16", "F16"})
  void aHalfPrecisionCheckpointEqualsItsFloat32Widening(SafetensorsFile.DType dtype,
      @TempDir Path tmp) throws Exception {
    GoldenFixture f = GoldenFixture.load("tiny-phi3");
    Path half = copy(f.dir(), tmp.resolve("half"), dtype, false);
    Path widened = copy(f.dir(), tmp.resolve("widened"), dtype, true);
    List<int[]> prompts = f.prompts().subList(0, 6).stream().map(GoldenFixture.Prompt::inputIds)
        .toList();
    GenerationOptions options = new GenerationOptions(10, f.labelTokens(), new int[] {2}, 0);
    List<ScorePositionOutput> a = run(half, prompts, options);
    List<ScorePositionOutput> b = run(widened, prompts, options);
    int found = 0;
    for (int i = 0; i < prompts.size(); i++) {
      assertThat(a.get(i).generatedIds()).as("prompt %d", i)
          .containsExactly(b.get(i).generatedIds());
      if (a.get(i) instanceof ScorePositionOutput.Found x) {
        assertThat(x.hiddenStates().toArray()).as("prompt %d", i)
            .containsExactly(((ScorePositionOutput.Found) b.get(i)).hiddenStates().toArray());
        found++;
      }
    }
    assertThat(found).isPositive();
  }

  private static List<ScorePositionOutput> run(Path dir, List<int[]> prompts,
      GenerationOptions options) {
    try (OnnxHiddenStateProvider p = Providers.load(OnnxHiddenStateProvider::load, dir,
        ProviderOptions.of(ProviderOptions.Device.CPU, null))) {
      return p.generate(prompts, options);
    }
  }

  /** The fixture with every tensor rounded to {@code dtype}, stored as it or widened to F32. */
  private static Path copy(Path from, Path to, SafetensorsFile.DType dtype, boolean widen)
      throws Exception {
    Files.createDirectories(to);
    GraphContractTest.copyWithoutGraph(from.getFileName().toString(), to);
    Files.delete(to.resolve(Checkpoint.SINGLE));
    List<SafetensorsWriter.Tensor> tensors = new ArrayList<>();
    try (Checkpoint ckpt = Checkpoint.open(from)) {
      for (String name : ckpt.tensorNames()) {
        tensors.add(SafetensorsWriter.Tensor.of(name, dtype, ckpt.info(name).shape(),
            ckpt.read(name)));
      }
    }
    Path rounded = to.resolve("rounded.safetensors");
    SafetensorsWriter.write(widen ? rounded : to.resolve(Checkpoint.SINGLE), tensors);
    if (widen) {
      List<SafetensorsWriter.Tensor> wide = new ArrayList<>();
      try (SafetensorsFile st = SafetensorsFile.open(rounded)) {
        for (String name : st.tensorNames()) {
          wide.add(SafetensorsWriter.Tensor.of(name, SafetensorsFile.DType.F32,
              st.info(name).shape(), st.read(name)));
        }
      }
      SafetensorsWriter.write(to.resolve(Checkpoint.SINGLE), wide);
      Files.delete(rounded);
    }
    return to;
  }
}
