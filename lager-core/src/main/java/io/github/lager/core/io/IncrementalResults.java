package io.github.lager.core.io;

import io.github.lager.core.InvalidInputException;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Results written as they are scored, so that an interrupted run keeps its work: each sample is
 * appended as one JSON line to {@code OUT.partial.jsonl} and flushed; {@link #finish()} turns the
 * lines into the reference's JSON array at {@code OUT} and removes the partial file.
 *
 * <p>The partial file is itself readable ({@link ResultsJson#read} takes JSON Lines), and a run
 * opened with {@code resume} skips the samples it already holds.
 */
public final class IncrementalResults implements Closeable {
  private final Path out;
  private final Path partial;
  private final BufferedWriter writer;
  private final Set<Long> done;

  private IncrementalResults(Path out, Path partial, BufferedWriter writer, Set<Long> done) {
    this.out = out;
    this.partial = partial;
    this.writer = writer;
    this.done = done;
  }

  /** The partial file of {@code out}. */
  public static Path partialOf(Path out) {
    return out.resolveSibling(out.getFileName() + ".partial.jsonl");
  }

  /**
   * @param resume keep the samples of an existing partial file and append; otherwise a non-empty
   *     partial file is an error (so that no work is overwritten by accident)
   */
  public static IncrementalResults open(Path out, boolean resume) {
    Path partial = partialOf(out);
    Set<Long> done = new HashSet<>();
    try {
      Path parent = out.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      if (Files.exists(partial) && Files.size(partial) > 0) {
        if (!resume) {
          throw new InvalidInputException(partial + " exists: an earlier run was interrupted."
              + " Pass --resume to continue it, or delete the file to start over");
        }
        truncateIncompleteLine(partial);
        if (Files.size(partial) > 0) {
          ResultsJson.read(partial).forEach(s -> done.add(s.idx()));
        }
      }
      BufferedWriter w = Files.newBufferedWriter(partial, StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      return new IncrementalResults(out, partial, w, done);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + partial, e);
    }
  }

  /** The {@code idx} already written by an earlier, interrupted run. */
  public Set<Long> alreadyScored() {
    return Set.copyOf(done);
  }

  /** Appends one sample (and extra per-sample scores) and flushes. */
  public synchronized void write(ScoredSample s, Map<String, Double> extraScores) {
    try {
      writer.write(ResultsJson.toJsonLine(s, extraScores));
      writer.newLine();
      writer.flush();
      done.add(s.idx());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + partial, e);
    }
  }

  /** Writes {@code OUT} as a JSON array of every line and removes the partial file. */
  public synchronized Path finish() {
    close();
    Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
    try (BufferedReader in = Files.newBufferedReader(partial, StandardCharsets.UTF_8);
        BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      w.write("[");
      String line;
      boolean first = true;
      while ((line = in.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        w.write(first ? "\n" : ",\n");
        w.write(line);
        first = false;
      }
      w.write("\n]\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + out, e);
    }
    try {
      Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      Files.delete(partial);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + out, e);
    }
    return out;
  }

  /** A run killed mid-write can leave half a line: drop it, it is scored again. */
  private static void truncateIncompleteLine(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    int end = bytes.length;
    while (end > 0 && bytes[end - 1] != '\n') {
      end--;
    }
    if (end != bytes.length) {
      Files.write(file, java.util.Arrays.copyOf(bytes, end));
    }
  }

  @Override
  public synchronized void close() {
    try {
      writer.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close " + partial, e);
    }
  }
}
