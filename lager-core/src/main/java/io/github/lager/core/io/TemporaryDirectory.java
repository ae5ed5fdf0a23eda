package io.github.lager.core.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A temporary directory removed, with everything in it, on every way out: {@link #close()} (a
 * try-with-resources block that ends normally or with an exception) and the JVM's shutdown (an
 * interrupted run: SIGINT, SIGTERM, {@code System.exit}), through a shutdown hook that
 * {@link #close()} removes again.
 */
public final class TemporaryDirectory implements AutoCloseable {
  private final Path dir;
  private final Thread hook;
  private boolean closed;

  private TemporaryDirectory(Path dir) {
    this.dir = dir;
    this.hook = new Thread(() -> deleteTree(dir), "lager-remove-" + dir.getFileName());
  }

  /** Creates a directory under the system's temporary directory, named {@code prefix...}. */
  public static TemporaryDirectory create(String prefix) {
    Path dir;
    try {
      dir = Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw FileErrors.writing(Path.of(System.getProperty("java.io.tmpdir"), prefix + "*"), e);
    }
    TemporaryDirectory t = new TemporaryDirectory(dir);
    Runtime.getRuntime().addShutdownHook(t.hook);
    return t;
  }

  /** The directory. */
  public Path path() {
    return dir;
  }

  /** Removes the directory and everything in it (once; later calls do nothing). */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs (or ran) and removes it
    }
    deleteTree(dir);
  }

  /** Removes {@code root} and everything below it; a missing root is nothing to do. */
  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove the temporary directory " + root, e);
    }
  }
}
