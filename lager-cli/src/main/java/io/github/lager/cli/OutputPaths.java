package io.github.lager.cli;

import io.github.lager.core.InvalidInputException;
import io.github.lager.core.io.FileErrors;
import io.github.lager.core.io.OutputFile;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a command makes before any work: no output is one of its inputs, and every output can be
 * written. Both fail with one line naming the options and paths, so that nothing is overwritten
 * and no long run ends unable to save its result.
 */
final class OutputPaths {
  /** The files of a model directory an output must never replace. */
  private static final String[] MODEL_FILES = {"config.json", "generation_config.json",
      "tokenizer.json", "tokenizer_config.json", "chat_template.jinja",
      "model.safetensors.index.json"};

  private OutputPaths() {}

  /**
   * Fails when an output is one of the inputs (the same path, or the same file through a link).
   *
   * @param inputs option (e.g. {@code --data}) to path; null paths are ignored
   * @param outputs option (e.g. {@code --out}, or {@code --out (partial file)}) to path
   */
  static void refuseOverlap(Map<String, Path> inputs, Map<String, Path> outputs) {
    List<Map.Entry<String, Path>> outs = new ArrayList<>(outputs.entrySet());
    outs.removeIf(o -> o.getValue() == null);
    for (int k = 0; k < outs.size(); k++) {
      Map.Entry<String, Path> o = outs.get(k);
      for (Map.Entry<String, Path> i : inputs.entrySet()) {
        if (i.getValue() != null && same(o.getValue(), i.getValue())) {
          throw new InvalidInputException(o.getKey() + " " + o.getValue() + " is the same file as "
              + i.getKey() + " " + i.getValue() + ": lager never writes over an input; choose"
              + " another " + o.getKey().split(" ")[0]);
        }
      }
      for (Map.Entry<String, Path> other : outs.subList(0, k)) {
        if (same(o.getValue(), other.getValue())) {
          throw new InvalidInputException(o.getKey() + " " + o.getValue() + " is the same file as "
              + other.getKey() + ": one would overwrite the other; choose another "
              + o.getKey().split(" ")[0]);
        }
      }
    }
  }

  /**
   * Checks every output of a command before any work, against its inputs and each other: none is
   * an input, none exists unless {@code overwrite}, each can be written ({@link OutputFile}).
   *
   * @param inputs option to path; null paths are ignored
   * @param outputs option to path; null paths are ignored
   */
  static void check(Map<String, Path> inputs, Map<String, Path> outputs, boolean overwrite) {
    OutputFile.checkAll(inputs, outputs, overwrite);
  }

  /**
   * Adds the charts a command writes into {@code --plots DIR} to {@code outputs}, after checking
   * that DIR is, or can be made, a directory; nothing when {@code dir} is null.
   */
  static void plots(Map<String, Path> outputs, Path dir, String... charts) {
    if (dir == null) {
      return;
    }
    checkWritableDir("--plots", dir);
    for (String chart : charts) {
      outputs.put("--plots (" + chart + ")", dir.resolve(chart));
    }
  }

  /** The model directory's files as inputs ({@code --model (config.json)} and so on). */
  static Map<String, Path> modelInputs(Path modelDir) {
    Map<String, Path> inputs = new LinkedHashMap<>();
    if (modelDir == null || !Files.isDirectory(modelDir)) {
      return inputs;
    }
    for (String f : MODEL_FILES) {
      inputs.put("--model (" + f + ")", modelDir.resolve(f));
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(modelDir, "*.safetensors")) {
      s.forEach(p -> inputs.put("--model (" + p.getFileName() + ")", p));
    } catch (IOException e) {
      throw FileErrors.reading(modelDir, e);
    }
    return inputs;
  }

  /**
   * Fails unless {@code file} can be written: it is not a directory, its directory exists or can
   * be made, and a file can be created there (tried with a probe file, which is removed).
   */
  static void checkWritableFile(String option, Path file) {
    if (file == null) {
      return;
    }
    if (Files.isDirectory(file)) {
      throw new InvalidInputException(option + " " + file + " is a directory; give a file path");
    }
    if (Files.exists(file) && !Files.isWritable(file)) {
      throw new InvalidInputException(option + " " + file + " cannot be written (permission"
          + " denied); choose another path or change its permissions");
    }
    probe(option, file.toAbsolutePath().getParent(), file);
  }

  /** Fails unless {@code dir} is, or can be made, a directory in which files can be created. */
  static void checkWritableDir(String option, Path dir) {
    if (dir == null) {
      return;
    }
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new InvalidInputException(option + " " + dir + " is a file; give a directory");
    }
    probe(option, dir.toAbsolutePath(), dir);
  }

  private static void probe(String option, Path dir, Path named) {
    try {
      Files.createDirectories(dir);
      Path p = Files.createTempFile(dir, ".lager-write-check", ".tmp");
      Files.delete(p);
    } catch (java.nio.file.FileAlreadyExistsException e) {
      throw new InvalidInputException(option + " " + named + " cannot be written: "
          + e.getFile() + " is a file, not a directory; check the path", e);
    } catch (IOException e) {
      throw new InvalidInputException(option + " " + named + " cannot be written: "
          + FileErrors.reason(e, true), e);
    }
  }

  private static boolean same(Path a, Path b) {
    if (a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())) {
      return true;
    }
    try {
      return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
    } catch (IOException e) {
      return false;
    }
  }
}
