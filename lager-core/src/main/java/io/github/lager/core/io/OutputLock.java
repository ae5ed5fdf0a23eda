package io.github.lager.core.io;

import io.github.lager.core.LagerException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Exclusive use of an output: {@code OUT.lock} beside it, locked with the operating system's file
 * lock ({@link FileChannel#tryLock()}) and holding the owner's pid, host and start time. A second
 * run on the same output fails at once, naming the first.
 *
 * <p>A stale lock cannot block: the kernel releases a file lock when its process ends, however it
 * ends (kill -9 included), so a lock file left by a dead run is simply taken over. The file is
 * deleted on {@link #close()}, while still locked; a run that had opened the old file re-checks
 * after locking that the path still names the file it locked, and starts over otherwise.
 *
 * <p>POSIX locks belong to the process, and closing any descriptor of the file drops them; so this
 * JVM reads and writes the lock file only through the locked channel, and refuses a second lock on
 * the same output from within itself before opening anything.
 */
public final class OutputLock implements AutoCloseable {
  private static final Set<Path> HELD = new HashSet<>();
  private static final int ATTEMPTS = 5;

  private final Path file;
  private final Path key;
  private final FileChannel channel;
  private final FileLock lock;

  private OutputLock(Path file, Path key, FileChannel channel, FileLock lock) {
    this.file = file;
    this.key = key;
    this.channel = channel;
    this.lock = lock;
  }

  /** The lock file of {@code out}. */
  public static Path lockFileOf(Path out) {
    return out.resolveSibling(out.getFileName() + ".lock");
  }

  /**
   * Locks {@code out} for this process or fails naming the run that holds it.
   *
   * @param command what holds the lock, for the other run's message (e.g. {@code "lager score"})
   */
  public static OutputLock acquire(Path out, String command) {
    Objects.requireNonNull(out, "out");
    Path file = lockFileOf(out);
    Path key = file.toAbsolutePath().normalize();
    synchronized (HELD) {
      if (HELD.contains(key)) {
        throw inUse(out, file, "another run in this process (pid " + ProcessHandle.current().pid()
            + ")");
      }
      for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
        OutputLock l = tryOnce(out, file, key, command);
        if (l != null) {
          HELD.add(key);
          return l;
        }
      }
    }
    throw new LagerException("cannot lock " + file + ": it was replaced " + ATTEMPTS
        + " times while locking; is another program deleting it?");
  }

  /** One attempt; null when the file was replaced while locking (try again). */
  private static OutputLock tryOnce(Path out, Path file, Path key, String command) {
    FileChannel channel = null;
    try {
      Object before = fileKey(file);
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        String holder = readAll(channel).strip();
        channel.close();
        throw inUse(out, file, holder.isEmpty() ? "another run (it has not written its name yet)"
            : holder);
      }
      Object after = fileKey(file);
      if (after == null || (before != null && !before.equals(after))) {
        channel.close();
        return null;
      }
      String holder = command + " (pid " + ProcessHandle.current().pid() + " on " + host()
          + ", started " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + ")\n";
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(holder.getBytes(StandardCharsets.UTF_8)), 0);
      channel.force(true);
      return new OutputLock(file, key, channel, lock);
    } catch (IOException e) {
      closeQuietly(channel);
      throw FileErrors.writing(file, e);
    } catch (RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  private static LagerException inUse(Path out, Path file, String holder) {
    return new LagerException(out + " is being written by " + holder + "; wait for that run to"
        + " end or stop it (its lock is " + file + "; a lock of a run that has ended is released"
        + " by the system, never stale)");
  }

  private static Object fileKey(Path file) throws IOException {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  private static String readAll(FileChannel channel) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(channel.size(), 4096));
    while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) > 0) {
      // read until full or end of file
    }
    return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "this host";
    }
  }

  private static void closeQuietly(FileChannel c) {
    if (c != null) {
      try {
        c.close();
      } catch (IOException ignored) {
        // already failing
      }
    }
  }

  /** The lock file. */
  public Path file() {
    return file;
  }

  /** Deletes the lock file (still locked, so no other run can take the old file) and unlocks. */
  @Override
  public void close() {
    synchronized (HELD) {
      if (!HELD.remove(key)) {
        return;
      }
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // the kernel lock is what excludes; a leftover file is taken over by the next run
      }
      try {
        lock.release();
        channel.close();
      } catch (IOException ignored) {
        // closing the channel releases the lock in any case
      }
    }
  }
}
