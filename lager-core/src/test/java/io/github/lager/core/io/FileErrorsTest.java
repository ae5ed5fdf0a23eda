package io.github.lager.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileErrorsTest {
  @Test
  void namesThePathTheReasonAndWhatToDo(@TempDir Path dir) {
    Path f = dir.resolve("r.json");
    assertThat(FileErrors.writing(f, new AccessDeniedException(f.toString())).getMessage())
        .isEqualTo("cannot write " + f + ": permission denied; choose a path you may write or"
            + " change its permissions");
    assertThat(FileErrors.reading(f, new NoSuchFileException(f.toString())).getMessage())
        .isEqualTo("cannot read " + f + ": no such file; check the path");
    assertThat(FileErrors.reading(dir, new IOException("Is a directory")).getMessage())
        .isEqualTo("cannot read " + dir + ": it is a directory; give a file");
    assertThat(FileErrors.writing(f, new FileSystemException(f.toString(), null,
        "Read-only file system")).getMessage()).endsWith("the file system is read-only; choose"
            + " another location");
    assertThat(FileErrors.describe(new UncheckedIOException("cannot write " + f,
        new IOException("No space left on device")))).isEqualTo("cannot write " + f + ": the disk"
            + " is full; free space, then rerun (lager score: with --resume, which keeps what is"
            + " on disk)");
    assertThat(FileErrors.describe(new UncheckedIOException(new NoSuchFileException(f.toString()))))
        .isEqualTo("cannot use " + f + ": no such file; check the path");
  }

  @Test
  void aFullDiskIsSaidInWords() {
    Path full = Path.of("/dev/full");
    assumeTrue(Files.isWritable(full), "/dev/full (a device that is always full) is absent");
    try {
      Files.writeString(full, "x".repeat(10_000));
      throw new AssertionError("/dev/full accepted a write");
    } catch (IOException e) {
      assertThat(FileErrors.writing(full, e).getMessage())
          .startsWith("cannot write /dev/full: the disk is full; free space");
    }
  }
}
