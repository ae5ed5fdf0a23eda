package io.github.lager.backend.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.github.lager.core.LagerException;
import io.github.lager.hf.model.DjlOffline;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The in-memory TorchScript archive, and what a source libtorch cannot compile gives. */
class TorchScriptArchiveTest {
  /**
   * {@code pickle.dumps} of the module object, protocol 2, as torch.jit.save writes it: the class,
   * NEWOBJ, then BUILD with the attributes (checked opcode by opcode: Python's pickletools
   * disassembles the same bytes to GLOBAL, EMPTY_TUPLE, NEWOBJ, EMPTY_DICT, MARK,
   * BINUNICODE/NEWFALSE/BININT/BINFLOAT pairs, SETITEMS, BUILD, STOP).
   */
  @Test
  void theModulePickleHoldsItsAttributes() {
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("training", false);
    state.put("heads", 4);
    state.put("eps", 0.5);
    byte[] b = TorchScriptArchive.pickleModule("Decoder", state);
    String expected = "80 02 63 5f 5f 74 6f 72 63 68 5f 5f 0a 44 65 63 6f 64 65 72 0a 29 81 7d 28"
        + " 58 08 00 00 00 74 72 61 69 6e 69 6e 67 89"
        + " 58 05 00 00 00 68 65 61 64 73 4a 04 00 00 00"
        + " 58 03 00 00 00 65 70 73 47 3f e0 00 00 00 00 00 00"
        + " 75 62 2e";
    StringBuilder hex = new StringBuilder();
    for (byte x : b) {
      hex.append(hex.length() == 0 ? "" : " ").append(String.format("%02x", x));
    }
    assertThat(hex.toString()).isEqualTo(expected);
  }

  @Test
  void aSourceLibtorchCannotCompileIsOneLineNamingArchitectureMethodAndVersion() {
    DjlOffline.ensure();
    String source = "class Decoder(Module):\n"
        + "  __parameters__ = []\n  __buffers__ = []\n  training : bool\n"
        + "  def run(self, x: Tensor) -> Tensor:\n    return torch.no_such_operator(x)\n";
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      assertThatThrownBy(() -> TorchScriptDecoder.compile("llama", source, Map.of(), m, false))
          .isInstanceOf(LagerException.class)
          .hasMessageStartingWith("DJL backend: the TorchScript decoder for llama failed in load on"
              + " libtorch " + Engine.getEngine("PyTorch").getVersion() + ": ")
          .hasMessageContaining("no_such_operator")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
  }
}
