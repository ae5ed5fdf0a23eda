package io.github.lager.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.lager.core.InvalidInputException;
import io.github.lager.core.LagerException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputFileTest {
  private static Map<String, Path> inputs(Object... optionPath) {
    Map<String, Path> m = new LinkedHashMap<>();
    for (int i = 0; i < optionPath.length; i += 2) {
      m.put((String) optionPath[i], (Path) optionPath[i + 1]);
    }
    return m;
  }

  /** The names in {@code dir}: a failed write must leave no temporary file behind. */
  private static List<String> names(Path dir) throws IOException {
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void anOutputThatIsAnInputIsRefusedByIdentityNotByName(@TempDir Path dir) throws IOException {
    Path data = Files.writeString(dir.resolve("p.jsonl"), "{}\n");
    assertThatThrownBy(() -> OutputFile.check("--out", data, inputs("--inputs", data), true))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("--out " + data + " is the same file as --inputs " + data + ": lager never"
            + " writes over an input; choose another --out");
    // another spelling of the same path
    Path dotted = dir.resolve(".").resolve("p.jsonl");
    assertThatThrownBy(() -> OutputFile.check("--out", dotted, inputs("--data", data), true))
        .hasMessageContaining("is the same file as --data " + data);
    // a hard link has another name but is the same file
    Path hard = dir.resolve("hard.jsonl");
    Files.createLink(hard, data);
    assertThatThrownBy(() -> OutputFile.check("--json", hard, inputs("--calibration", data), true))
        .hasMessage("--json " + hard + " is the same file as --calibration " + data + ": lager"
            + " never writes over an input; choose another --json");
    // and so is a symbolic link
    Path sym = Files.createSymbolicLink(dir.resolve("sym.jsonl"), data);
    assertThatThrownBy(() -> OutputFile.check("--out", sym, inputs("--data", data), true))
        .hasMessageContaining("is the same file as --data");
    assertThat(Files.readString(data)).isEqualTo("{}\n");
  }

  @Test
  void twoOutputsOnOneFileAreRefused(@TempDir Path dir) {
    Path r = dir.resolve("r.json");
    Map<String, Path> outs = new LinkedHashMap<>();
    outs.put("--json", r);
    outs.put("--save-weights", dir.resolve("sub/../r.json"));
    assertThatThrownBy(() -> OutputFile.checkAll(Map.of(), outs, true))
        .hasMessage("--save-weights " + dir.resolve("sub/../r.json") + " is the same file as"
            + " --json " + r + ": one would overwrite the other; choose another --save-weights");
  }

  @Test
  void anExistingOutputNeedsOverwrite(@TempDir Path dir) throws IOException {
    Path out = Files.writeString(dir.resolve("w.json"), "old");
    assertThatThrownBy(() -> OutputFile.check("--out", out, Map.of(), false))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("--out " + out + " exists; pass --overwrite to replace it, or choose another"
            + " --out");
    OutputFile f = OutputFile.check("--out", out, Map.of(), true);
    f.writeString("new");
    assertThat(Files.readString(out)).isEqualTo("new");
    assertThat(names(dir)).containsExactly("w.json");
    // a path not there yet needs no --overwrite; its directories are made
    Path fresh = dir.resolve("a/b/c.json");
    OutputFile.check("--json", fresh, Map.of(), false).writeString("x");
    assertThat(Files.readString(fresh)).isEqualTo("x");
  }

  @Test
  void aPathThatIsNotARegularFileIsRefused(@TempDir Path dir) throws IOException {
    assertThatThrownBy(() -> OutputFile.check("--json", dir, Map.of(), true))
        .hasMessage("--json " + dir + " is a directory; give a file path");
    Path devNull = Path.of("/dev/null");
    assumeTrue(Files.exists(devNull), "no /dev/null");
    assertThatThrownBy(() -> OutputFile.check("--out", devNull, Map.of(), true))
        .hasMessage("--out /dev/null exists and is not a regular file (a device, a pipe or a"
            + " dangling link); give the path of a file");
    Path plain = Files.writeString(dir.resolve("plain.txt"), "x");
    assertThatThrownBy(() -> OutputFile.check("--out", plain.resolve("r.json"), Map.of(), true))
        .hasMessageContaining("--out " + plain.resolve("r.json") + " cannot be written: ");
  }

  @Test
  void aFailedWriteLeavesTheOldFileWholeAndNoTemporaryFile(@TempDir Path dir) throws IOException {
    Path out = Files.writeString(dir.resolve("calibration.json"), "the old, good file");
    OutputFile f = OutputFile.check("--out", out, Map.of(), true);
    // the disk fills half way through the write
    assertThatThrownBy(() -> f.write(o -> {
      o.write("{\"half\": ".getBytes(StandardCharsets.UTF_8));
      o.flush();
      throw new IOException("No space left on device");
    })).isInstanceOf(LagerException.class)
        .hasMessage("cannot write " + out + ": the disk is full; free space, then rerun (lager"
            + " score: with --resume, which keeps what is on disk)");
    assertThat(Files.readString(out)).isEqualTo("the old, good file");
    assertThat(names(dir)).containsExactly("calibration.json");
    // a bug in the writer: the same
    assertThatThrownBy(() -> f.writeText(w -> {
      w.write("[1, 2");
      throw new IllegalStateException("boom");
    })).isInstanceOf(IllegalStateException.class);
    assertThat(Files.readString(out)).isEqualTo("the old, good file");
    assertThat(names(dir)).containsExactly("calibration.json");
  }

  @Test
  void writeViaGivesATemporaryPathEndingWithTheTargetsName(@TempDir Path dir) throws IOException {
    Path png = dir.resolve("layers.png");
    OutputFile f = OutputFile.check("--plots (layers.png)", png, Map.of(), false);
    f.writeVia(tmp -> {
      assertThat(tmp.getParent()).isEqualTo(dir);
      assertThat(tmp.getFileName().toString()).endsWith("-layers.png").startsWith(".lager-");
      Files.writeString(tmp, "png bytes");
    });
    assertThat(Files.readString(png)).isEqualTo("png bytes");
    assertThat(names(dir)).containsExactly("layers.png");
    assertThatThrownBy(() -> OutputFile.check("--plots (layers.png)", png, Map.of(), false))
        .hasMessageEndingWith("exists; pass --overwrite to replace it, or choose another --plots");
  }

  @Test
  void aSymbolicLinkToAFileIsWrittenThrough(@TempDir Path dir) throws IOException {
    Path real = Files.writeString(dir.resolve("real.json"), "old");
    Path link = Files.createSymbolicLink(dir.resolve("link.json"), real);
    OutputFile.check("--out", link, Map.of(), true).writeString("new");
    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(Files.readString(real)).isEqualTo("new");
  }

  @Test
  void aReadOnlyFileIsRefused(@TempDir Path dir) throws IOException {
    Path out = Files.writeString(dir.resolve("ro.json"), "x");
    assumeTrue(out.toFile().setWritable(false) && !Files.isWritable(out),
        "running as root: permissions do not stop writes");
    assertThatThrownBy(() -> OutputFile.check("--out", out, Map.of(), true))
        .hasMessage("--out " + out + " cannot be written (permission denied); choose another path"
            + " or change its permissions");
  }
}
