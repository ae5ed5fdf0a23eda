package io.github.lager.core.io;

import io.github.lager.core.InvalidInputException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * One file a run writes (a weights file, a calibration, a report, a selection, a chart), checked
 * before any work and written so that a failure never leaves a damaged file (the databases' way,
 * docs/troubleshooting.md#outputs).
 *
 * <p>{@link #check} refuses, with one line naming the option and the path:
 * <ul>
 *   <li>an output that is one of the run's inputs: the same file by identity
 *       ({@link Files#isSameFile}: a hard link, a symbolic link or another spelling of the path is
 *       the same file), or the same file as another output of the run;</li>
 *   <li>an existing output unless {@code overwrite};</li>
 *   <li>a path that exists but is not a regular file (a directory, a device such as
 *       {@code /dev/full}, a pipe);</li>
 *   <li>a path whose directory cannot be made or written.</li>
 * </ul>
 *
 * <p>{@link #write} writes to a temporary file beside the target, forces it to the device, and
 * renames it over the target in one atomic step; until the rename the old file is untouched, and
 * on any failure (a full disk, an exception in the writer) the temporary file is removed and the
 * old file stays whole. An existing target that is a symbolic link to a regular file is written
 * through: the file it points to is replaced, the link stays.
 */
public final class OutputFile {
  /** Writes the content of an output. */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  /** Writes the content of an output through a file path (for libraries that only take one). */
  @FunctionalInterface
  public interface PathContent {
    void writeTo(Path file) throws IOException;
  }

  private final String option;
  private final Path path;

  private OutputFile(String option, Path path) {
    this.option = option;
    this.path = path;
  }

  /** The option that named this output (e.g. {@code --out}), for messages. */
  public String option() {
    return option;
  }

  /** The path as given. */
  public Path path() {
    return path;
  }

  /**
   * An output the caller may replace (a library call writing a path it was given): still refused
   * when it is not a regular file, and written whole or not at all.
   */
  public static OutputFile replacing(Path path) {
    Objects.requireNonNull(path, "path");
    return check("output", path, Map.of(), true);
  }

  /**
   * Checks one output of a run against its inputs; see {@link #checkAll}.
   *
   * @param option the option that names it, e.g. {@code --out}
   * @param path the output; null gives null (the option was not given)
   * @param inputs option (e.g. {@code --data}) to path; null paths are ignored
   */
  public static OutputFile check(String option, Path path, Map<String, Path> inputs,
      boolean overwrite) {
    Map<String, Path> outputs = new LinkedHashMap<>();
    outputs.put(option, path);
    List<OutputFile> checked = checkAll(inputs, outputs, overwrite);
    return checked.isEmpty() ? null : checked.get(0);
  }

  /**
   * Checks every output of a run before any work, in the order given; fails on the first that
   * breaks a rule (see the class comment). Outputs whose path is null are left out of the result.
   *
   * @param inputs option to path (files the run reads); null paths are ignored
   * @param outputs option to path (files the run writes); null paths are ignored
   * @param overwrite whether an existing output may be replaced ({@code --overwrite})
   */
  public static List<OutputFile> checkAll(Map<String, Path> inputs, Map<String, Path> outputs,
      boolean overwrite) {
    Objects.requireNonNull(inputs, "inputs");
    Objects.requireNonNull(outputs, "outputs");
    List<OutputFile> checked = new ArrayList<>();
    for (Map.Entry<String, Path> o : outputs.entrySet()) {
      if (o.getValue() == null) {
        continue;
      }
      OutputFile out = new OutputFile(o.getKey(), o.getValue());
      out.refuseOverlap(inputs, checked);
      out.checkWritable(overwrite);
      checked.add(out);
    }
    return checked;
  }

  /**
   * Refuses an output that is one of the inputs (by file identity) or the same file as another
   * output, without the other checks of {@link #checkAll}: for a writer that has its own rules
   * for an existing output (a scoring run's results, resumable).
   *
   * @param inputs option to path; null paths are ignored
   * @param outputs option to path; null paths are ignored
   */
  public static void refuseOverlap(Map<String, Path> inputs, Map<String, Path> outputs) {
    Objects.requireNonNull(inputs, "inputs");
    Objects.requireNonNull(outputs, "outputs");
    List<OutputFile> seen = new ArrayList<>();
    for (Map.Entry<String, Path> o : outputs.entrySet()) {
      if (o.getValue() != null) {
        OutputFile out = new OutputFile(o.getKey(), o.getValue());
        out.refuseOverlap(inputs, seen);
        seen.add(out);
      }
    }
  }

  private void refuseOverlap(Map<String, Path> inputs, List<OutputFile> earlier) {
    for (Map.Entry<String, Path> i : inputs.entrySet()) {
      if (i.getValue() != null && sameFile(path, i.getValue())) {
        throw new InvalidInputException(named() + " is the same file as " + i.getKey() + " "
            + i.getValue() + ": lager never writes over an input; choose another "
            + optionName());
      }
    }
    for (OutputFile other : earlier) {
      if (sameTarget(path, other.path)) {
        throw new InvalidInputException(named() + " is the same file as " + other.named()
            + ": one would overwrite the other; choose another " + optionName());
      }
    }
  }

  /**
   * Whether {@code a} and {@code b} are the same file: by identity when both exist (a hard or
   * symbolic link to an input is that input), else by their absolute, normalised paths.
   */
  static boolean sameFile(Path a, Path b) {
    try {
      if (Files.exists(a) && Files.exists(b)) {
        return Files.isSameFile(a, b);
      }
    } catch (IOException e) {
      // unreadable: fall back to the paths
    }
    return sameTarget(a, b);
  }

  private static boolean sameTarget(Path a, Path b) {
    if (a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())) {
      return true;
    }
    try {
      return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
    } catch (IOException e) {
      return false;
    }
  }

  private void checkWritable(boolean overwrite) {
    if (Files.exists(path, LinkOption.NOFOLLOW_LINKS) || Files.exists(path)) {
      if (Files.isDirectory(path)) {
        throw new InvalidInputException(named() + " is a directory; give a file path");
      }
      if (!Files.isRegularFile(path)) {
        throw new InvalidInputException(named() + " exists and is not a regular file (a device,"
            + " a pipe or a dangling link); give the path of a file");
      }
      if (!Files.isWritable(path)) {
        throw new InvalidInputException(named() + " cannot be written (permission denied);"
            + " choose another path or change its permissions");
      }
      if (!overwrite) {
        throw new InvalidInputException(named() + " exists; pass --overwrite to replace it, or"
            + " choose another " + optionName());
      }
    }
    Path dir = target().toAbsolutePath().getParent();
    try {
      Files.createDirectories(dir);
      Path probe = Files.createTempFile(dir, ".lager-write-check", ".tmp");
      Files.delete(probe);
    } catch (FileAlreadyExistsException e) {
      throw new InvalidInputException(named() + " cannot be written: " + e.getFile()
          + " is a file, not a directory; check the path", e);
    } catch (IOException e) {
      throw new InvalidInputException(named() + " cannot be written: "
          + FileErrors.reason(e, true), e);
    }
  }

  /**
   * The file that is replaced: the path, or, when it is a symbolic link to an existing file, the
   * file it points to.
   */
  private Path target() {
    if (Files.isSymbolicLink(path) && Files.isRegularFile(path)) {
      try {
        return path.toRealPath();
      } catch (IOException e) {
        return path;
      }
    }
    return path;
  }

  /** Writes {@code content} atomically (see the class comment). */
  public void write(Content content) {
    Objects.requireNonNull(content, "content");
    writeVia(file -> {
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file,
          StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING), 1 << 16)) {
        content.writeTo(out);
      }
    });
  }

  /** Writes {@code text} as UTF-8, atomically. */
  public void writeString(String text) {
    Objects.requireNonNull(text, "text");
    write(out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** Writes UTF-8 text through a {@link Writer}, atomically. */
  public void writeText(TextContent content) {
    Objects.requireNonNull(content, "content");
    write(out -> {
      Writer w = new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8);
      content.writeTo(w);
      w.flush();
    });
  }

  /** Writes the content of an output as text. */
  @FunctionalInterface
  public interface TextContent {
    void writeTo(Writer out) throws IOException;
  }

  /**
   * Lets {@code content} write a temporary file beside the target (its name ends with the
   * target's, so a library that adds an extension finds it there), then forces and renames it
   * over the target. A writer that leaves no file there fails.
   */
  public void writeVia(PathContent content) {
    Objects.requireNonNull(content, "content");
    Path target = target();
    Path dir = target.toAbsolutePath().getParent();
    Path tmp = dir.resolve(".lager-" + UUID.randomUUID().toString().substring(0, 8) + "-"
        + target.getFileName());
    try {
      Files.createDirectories(dir);
      Files.createFile(tmp);
      content.writeTo(tmp);
      if (!Files.isRegularFile(tmp)) {
        throw new IOException("the writer left no file at " + tmp);
      }
      try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        c.force(true);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      forceDirectory(dir);
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw FileErrors.writing(path, e);
    } catch (RuntimeException | Error e) {
      deleteQuietly(tmp);
      throw e;
    }
  }

  /** The directory entry of the rename, on disk too (not supported everywhere: then skipped). */
  private static void forceDirectory(Path dir) {
    try (FileChannel c = FileChannel.open(dir, StandardOpenOption.READ)) {
      c.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // some file systems cannot open a directory; the file itself is on disk
    }
  }

  private static void deleteQuietly(Path tmp) {
    try {
      Files.deleteIfExists(tmp);
    } catch (IOException ignored) {
      // nothing more to do: the target is untouched either way
    }
  }

  private String named() {
    return option + " " + path;
  }

  /** The option without a note in parentheses: {@code --plots (layers.png)} is {@code --plots}. */
  private String optionName() {
    int space = option.indexOf(' ');
    return space < 0 ? option : option.substring(0, space);
  }

  @Override
  public String toString() {
    return named();
  }
}
