package io.github.lager.core.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one way lager opens an input file (data, results, weights, calibration maps, anything it
 * hashes): only a regular file is opened. A directory fails at once ("it is a directory") and so
 * does a pipe, a device or a socket ("not a regular file"), which would otherwise block a read
 * forever (a FIFO with no writer) or give different bytes to the hash and to the parse (a
 * process substitution). The failure is an {@link IOException} that {@link FileErrors} words, as
 * a missing file is.
 */
public final class InputFile {
  /** The {@link FileSystemException#getReason() reason} of a file that is not a regular file. */
  static final String NOT_REGULAR = "not a regular file";

  private InputFile() {}

  /** A UTF-8 reader of {@code file}. */
  public static BufferedReader reader(Path file) throws IOException {
    check(file);
    return Files.newBufferedReader(file, StandardCharsets.UTF_8);
  }

  /** A stream of {@code file}'s bytes. */
  public static InputStream stream(Path file) throws IOException {
    check(file);
    return Files.newInputStream(file);
  }

  /** Every byte of {@code file}. */
  public static byte[] bytes(Path file) throws IOException {
    check(file);
    return Files.readAllBytes(file);
  }

  private static void check(Path file) throws IOException {
    if (Files.isDirectory(file)) {
      throw new FileSystemException(file.toString(), null, "Is a directory");
    }
    if (Files.exists(file) && !Files.isRegularFile(file)) {
      throw new FileSystemException(file.toString(), null, NOT_REGULAR);
    }
  }
}
