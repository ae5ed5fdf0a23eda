package io.github.lager.core.io;

import io.github.lager.core.LagerException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * File-system failures as one line that names the path, what went wrong in words and what to do:
 * {@code cannot write out/r.json: the disk is full; free space, then rerun}. The one place that
 * turns an {@link IOException} into a message (docs/troubleshooting.md#io).
 */
public final class FileErrors {
  private FileErrors() {}

  /** Reading {@code file} failed. */
  public static LagerException reading(Path file, IOException e) {
    return new LagerException("cannot read " + file + ": " + reason(e, false), e);
  }

  /** Writing {@code file} failed. */
  public static LagerException writing(Path file, IOException e) {
    return new LagerException("cannot write " + file + ": " + reason(e, true), e);
  }

  /**
   * The one-line message of an I/O failure that reached the command line unexplained: its own
   * message (which names the file where lager wrote it) and the reason in words.
   */
  public static String describe(Throwable t) {
    IOException io = t instanceof UncheckedIOException u ? u.getCause()
        : t instanceof IOException e ? e : null;
    if (io == null) {
      return String.valueOf(t.getMessage());
    }
    String own = t instanceof UncheckedIOException && t.getMessage() != null
        && !t.getMessage().startsWith(io.getClass().getName()) ? t.getMessage() : null;
    String file = io instanceof FileSystemException f && f.getFile() != null ? f.getFile() : null;
    String head = own != null ? own : file != null ? "cannot use " + file : "I/O error";
    boolean writing = own != null && own.startsWith("cannot write");
    return head + ": " + reason(io, writing);
  }

  /** What went wrong, in words, and what to do. */
  public static String reason(IOException e, boolean writing) {
    String m = e.getMessage() == null ? "" : e.getMessage();
    String r = e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : m;
    String lower = r.toLowerCase(Locale.ROOT);
    if (e instanceof NoSuchFileException) {
      return writing ? "its directory does not exist or vanished; check the path"
          : "no such file; check the path";
    }
    if (e instanceof AccessDeniedException || lower.contains("permission denied")) {
      return "permission denied; choose a path you may " + (writing ? "write" : "read")
          + " or change its permissions";
    }
    if (lower.contains("is a directory")) {
      return "it is a directory; give a file";
    }
    if (lower.contains(InputFile.NOT_REGULAR)) {
      return "it is not a regular file (a pipe, device or socket); save it to a file and give"
          + " that";
    }
    if (e instanceof NotDirectoryException || lower.contains("not a directory")) {
      return "a parent of it is a file, not a directory; check the path";
    }
    if (lower.contains("no space left") || lower.contains("disk quota")) {
      return "the disk is full; free space, then rerun (lager score: with --resume, which keeps"
          + " what is on disk)";
    }
    if (lower.contains("read-only file system")) {
      return "the file system is read-only; choose another location";
    }
    if (e instanceof FileAlreadyExistsException) {
      return "it exists and is not a directory; check the path";
    }
    if (e instanceof CharacterCodingException) {
      return "it is not UTF-8 text (is it the right file?)";
    }
    return r.isEmpty() ? e.getClass().getSimpleName() : r;
  }
}
