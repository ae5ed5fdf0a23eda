package io.github.lager.cli;

import io.github.lager.core.InvalidInputException;
import io.github.lager.core.io.FileErrors;
import io.github.lager.core.io.OutputFile;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The outputs of a command checked before any work ({@link OutputFile}: none is an input, none
 * exists unless {@code --overwrite}, each can be written), and the charts of {@code --plots DIR}
 * as outputs. A scoring run's outputs are checked by the run itself
 * ({@code io.github.lager.hf.run.ScoringRun}).
 */
final class OutputPaths {
  private OutputPaths() {}

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

  /** Fails unless {@code dir} is, or can be made, a directory in which files can be created. */
  static void checkWritableDir(String option, Path dir) {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new InvalidInputException(option + " " + dir + " is a file; give a directory");
    }
    try {
      Files.createDirectories(dir.toAbsolutePath());
      Path p = Files.createTempFile(dir.toAbsolutePath(), ".lager-write-check", ".tmp");
      Files.delete(p);
    } catch (FileAlreadyExistsException e) {
      throw new InvalidInputException(option + " " + dir + " cannot be written: "
          + e.getFile() + " is a file, not a directory; check the path", e);
    } catch (IOException e) {
      throw new InvalidInputException(option + " " + dir + " cannot be written: "
          + FileErrors.reason(e, true), e);
    }
  }
}
