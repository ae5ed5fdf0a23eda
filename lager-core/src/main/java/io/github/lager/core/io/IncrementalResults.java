package io.github.lager.core.io;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.lager.core.InvalidInputException;
import io.github.lager.core.LagerException;
import io.github.lager.core.math.LayerWeights;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Results written as they are scored, so that no finished work is lost.
 *
 * <p>While a run goes on, {@code OUT.partial.jsonl} holds the run's {@link RunManifest} on its
 * first line and then one JSON line per scored sample. {@link #writeBatch} appends a whole batch
 * in one write, then forces it to the device; only then does it return, so a sample counts as done
 * only once it is on disk, and a kill at any moment can tear at most the batch in flight. A torn
 * line is cut off when the run is resumed, and the caller drops the rest of a torn batch with
 * {@link #keepOnly} and scores it again.
 *
 * <p>{@link #finish()} writes {@code OUT}, the reference's JSON array, in order of {@code idx}
 * (so an interrupted and resumed run writes the same bytes as an uninterrupted one), then
 * {@code OUT.manifest.json} (the manifest, the sample count and the SHA-256 of {@code OUT}), and
 * removes the partial file. The output is held with an {@link OutputLock} from {@link #open} to
 * {@link #finish()} or {@link #close()}.
 */
public final class IncrementalResults implements Closeable {
  /** What to do with what an earlier run left at the output. */
  public enum Mode {
    /** Refuse an existing output or partial file (no work is overwritten by accident). */
    NEW,
    /** Continue the partial file of an earlier run with the same manifest. */
    RESUME,
    /** Start over, replacing what is there. */
    OVERWRITE
  }

  private final Path out;
  private final Path partial;
  private final RunManifest manifest;
  private final OutputLock lock;
  private final boolean complete;
  private final int completeSamples;
  /** idx to the byte range {offset, length} of its line (newline excluded) in the partial file. */
  private final TreeMap<Long, long[]> lines = new TreeMap<>();
  private FileChannel channel;
  private long size;
  private boolean finished;
  private boolean stopped;
  /** What the backend resolved (device, dtype), once {@link #recordResolved} ran. */
  private Map<String, String> resolved;
  /** The earlier run's, when this run continues one that recorded them. */
  private Map<String, String> earlierResolved;
  /** Whether the partial file holds the resolved settings' line. */
  private boolean resolvedInFile;

  private IncrementalResults(Path out, RunManifest manifest, OutputLock lock, boolean complete,
      int completeSamples) {
    this.out = out;
    this.partial = partialOf(out);
    this.manifest = manifest;
    this.lock = lock;
    this.complete = complete;
    this.completeSamples = completeSamples;
  }

  /** The partial file of {@code out}. */
  public static Path partialOf(Path out) {
    return out.resolveSibling(out.getFileName() + ".partial.jsonl");
  }

  /** The manifest written beside a finished {@code out}. */
  public static Path manifestOf(Path out) {
    return out.resolveSibling(out.getFileName() + ".manifest.json");
  }

  /**
   * Locks {@code out} and opens its partial file according to {@code mode}. With
   * {@link Mode#RESUME}, a manifest that differs from the earlier run's is refused naming the first
   * differing field; a finished {@code out} with the same manifest opens as
   * {@link #alreadyComplete()}.
   *
   * @param command what runs, for the lock's message to a second run (e.g. {@code "lager score"})
   */
  public static IncrementalResults open(Path out, RunManifest manifest, Mode mode, String command) {
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(mode, "mode");
    if (Files.isDirectory(out)) {
      throw new InvalidInputException(out + " is a directory; --out must name a results file");
    }
    Path parent = out.toAbsolutePath().getParent();
    try {
      Files.createDirectories(parent);
    } catch (IOException e) {
      throw FileErrors.writing(parent, e);
    }
    OutputLock lock = OutputLock.acquire(out, command);
    try {
      IncrementalResults r = openLocked(out, manifest, mode, lock);
      if (r.complete) {
        lock.close();
      }
      return r;
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  private static IncrementalResults openLocked(Path out, RunManifest manifest, Mode mode,
      OutputLock lock) {
    Path partial = partialOf(out);
    Path sidecar = manifestOf(out);
    if (mode == Mode.OVERWRITE) {
      deleteIfExists(partial);
      deleteIfExists(sidecar);
    }
    Scan earlier = Files.exists(partial) ? Scan.of(partial) : null;
    if (earlier != null && earlier.samples() == 0) {
      earlier = null; // a run that ended before its first batch: nothing to keep
    }
    switch (mode) {
      case OVERWRITE -> {
        // cleared above; OUT itself is replaced when the new run finishes
      }
      case NEW -> {
        if (earlier != null) {
          throw new InvalidInputException(partial + " exists: an earlier run was interrupted with "
              + earlier.samples() + " samples on disk. Pass --resume to continue it, or"
              + " --overwrite to start over");
        }
        if (Files.exists(out)) {
          throw new InvalidInputException(out + " exists. Pass --overwrite to replace it, or"
              + " --resume to check that it is complete");
        }
      }
      case RESUME -> {
        if (earlier != null) {
          RunManifest then = earlier.manifest().orElseThrow(() -> new InvalidInputException(
              partial + " has no run manifest (an older lager wrote it), so it cannot be checked"
                  + " against this run; pass --overwrite to start over"));
          refuseDifference(manifest, then, partial);
          IncrementalResults r = new IncrementalResults(out, manifest, lock, false, 0);
          r.continuePartial(earlier);
          r.earlierResolved = earlier.resolved().orElse(null);
          r.resolvedInFile = r.earlierResolved != null;
          return r;
        }
        if (Files.exists(out)) {
          int n = checkFinished(out, sidecar, manifest);
          return new IncrementalResults(out, manifest, lock, true, n);
        }
      }
      default -> throw new IllegalStateException(mode.toString());
    }
    IncrementalResults r = new IncrementalResults(out, manifest, lock, false, 0);
    r.startPartial();
    return r;
  }

  private static void refuseDifference(RunManifest now, RunManifest then, Path file) {
    now.firstDifference(then).ifPresent(d -> {
      throw new InvalidInputException("cannot resume " + file + ": " + d + "; rerun with the"
          + " earlier run's model, data and options, or pass --overwrite to start over");
    });
  }

  /** Checks a finished output against its manifest; returns its sample count. */
  private static int checkFinished(Path out, Path sidecar, RunManifest manifest) {
    if (!Files.exists(sidecar)) {
      throw new InvalidInputException(out + " exists but has no " + sidecar.getFileName()
          + " (another tool or an older lager wrote it), so lager cannot tell whether it is this"
          + " run's; pass --overwrite to replace it");
    }
    JsonObject o;
    try {
      o = JsonParser.parseString(Files.readString(sidecar)).getAsJsonObject();
    } catch (IOException e) {
      throw FileErrors.reading(sidecar, e);
    } catch (JsonParseException | IllegalStateException e) {
      throw new InvalidInputException(sidecar + ": malformed JSON: " + JsonFields.rootMessage(e)
          + "; pass --overwrite to score again", e);
    }
    if (!o.has(RunManifest.KEY) || !o.get(RunManifest.KEY).isJsonObject()) {
      throw new InvalidInputException(sidecar + ": field '" + RunManifest.KEY + "' is missing;"
          + " pass --overwrite to score again");
    }
    refuseDifference(manifest, RunManifest.fromJson(o.getAsJsonObject(RunManifest.KEY)), out);
    String sha = o.has("results_sha256") ? o.get("results_sha256").getAsString() : "";
    if (!sha.equals(Sha256.of(out))) {
      throw new InvalidInputException(out + " changed after the run that wrote it (its SHA-256"
          + " differs from " + sidecar.getFileName() + "); pass --overwrite to score again");
    }
    return o.has("samples") ? o.get("samples").getAsInt() : -1;
  }

  private void startPartial() {
    try {
      channel = FileChannel.open(partial, StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.READ, StandardOpenOption.WRITE);
      byte[] head = (manifest.toJsonLine() + "\n").getBytes(StandardCharsets.UTF_8);
      writeFully(ByteBuffer.wrap(head), 0);
      channel.force(false);
      size = head.length;
    } catch (IOException e) {
      closeChannel();
      throw FileErrors.writing(partial, e);
    }
  }

  private void continuePartial(Scan earlier) {
    try {
      channel = FileChannel.open(partial, StandardOpenOption.READ, StandardOpenOption.WRITE);
      if (earlier.end() < channel.size()) {
        channel.truncate(earlier.end()); // a line torn by a kill: its batch is scored again
        channel.force(false);
      }
      size = earlier.end();
      lines.putAll(earlier.lines());
    } catch (IOException e) {
      closeChannel();
      throw FileErrors.writing(partial, e);
    }
  }

  /** The key of the resolved settings' line, the partial file's second line. */
  public static final String RESOLVED_KEY = "lager_resolved";

  /**
   * Records what the backend resolved once the model is loaded ({@code device}, {@code dtype}:
   * what {@code auto} or a default became), which the manifest, written before the model loads,
   * cannot hold. A new run writes them as the partial file's second line, before any sample, and
   * the finished run's manifest beside {@code OUT} carries them; a resumed run must have resolved
   * the same, or it is refused naming the first difference (scores computed on another device or
   * in another dtype differ in their last digits and must not be mixed in one file). A caller that
   * records them calls {@link #requireEarlierResolved} first, before the model loads, so a partial
   * file from before this line existed is refused rather than continued unchecked.
   */
  public synchronized void recordResolved(Map<String, String> settings) {
    Objects.requireNonNull(settings, "settings");
    checkWritable();
    Map<String, String> now = new java.util.LinkedHashMap<>(settings);
    if (earlierResolved != null) {
      new RunManifest(now).firstDifference(new RunManifest(earlierResolved)).ifPresent(d -> {
        throw new InvalidInputException("cannot resume " + partial + ": " + d + " (as the backend"
            + " resolved them); rerun with the earlier run's --device and --dtype, or pass"
            + " --overwrite to start over");
      });
      resolved = now;
      return;
    }
    resolved = now;
    if (lines.isEmpty()) {
      try {
        byte[] line = (resolvedLine() + "\n").getBytes(StandardCharsets.UTF_8);
        writeFully(ByteBuffer.wrap(line), size);
        channel.force(false);
        size += line.length;
        resolvedInFile = true;
      } catch (IOException e) {
        throw FileErrors.writing(partial, e);
      }
    }
  }

  /**
   * Refuses a resumed partial file that holds samples but no resolved settings' line (an older
   * lager wrote it): the device and dtype its scores were computed with are unknown, so they cannot
   * be checked against this run's. Call it before the model loads, when the run will {@link
   * #recordResolved record} what its backend resolved.
   */
  public synchronized void requireEarlierResolved() {
    if (!lines.isEmpty() && earlierResolved == null) {
      throw new InvalidInputException(partial + " has no line recording the device and dtype of"
          + " its scores (an older lager wrote it), so this run cannot be checked against it; pass"
          + " --overwrite to start over");
    }
  }

  private String resolvedLine() {
    JsonObject o = new JsonObject();
    o.add(RESOLVED_KEY, new RunManifest(resolved).toJson());
    return o.toString();
  }

  /** True when {@code out} is finished with this manifest: there is nothing to do. */
  public boolean alreadyComplete() {
    return complete;
  }

  /** The number of samples in a finished {@code out} ({@link #alreadyComplete()}). */
  public int completeSamples() {
    return completeSamples;
  }

  /** The results file, written by {@link #finish()}. */
  public Path outputFile() {
    return out;
  }

  /** The partial file. */
  public Path partialFile() {
    return partial;
  }

  /** The {@code idx} on disk. */
  public synchronized Set<Long> onDisk() {
    return Set.copyOf(lines.keySet());
  }

  /** The number of samples on disk. */
  public synchronized int samplesOnDisk() {
    return lines.size();
  }

  /**
   * Removes every sample whose {@code idx} is not in {@code keep} (the rest of a batch torn by a
   * kill, which is scored again as a whole), rewriting the partial file atomically.
   */
  public synchronized void keepOnly(Set<Long> keep) {
    checkWritable();
    if (keep.containsAll(lines.keySet())) {
      return;
    }
    Path tmp = partial.resolveSibling(partial.getFileName() + ".tmp");
    TreeMap<Long, long[]> kept = new TreeMap<>();
    try (FileChannel to = FileChannel.open(tmp, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      long pos = 0;
      byte[] head = (manifest.toJsonLine() + "\n").getBytes(StandardCharsets.UTF_8);
      pos += writeFully(to, ByteBuffer.wrap(head), pos);
      if (resolvedInFile) {
        byte[] r = (resolvedLine() + "\n").getBytes(StandardCharsets.UTF_8);
        pos += writeFully(to, ByteBuffer.wrap(r), pos);
      }
      for (Map.Entry<Long, long[]> e : byOffset()) {
        if (!keep.contains(e.getKey())) {
          continue;
        }
        byte[] line = readLine(e.getValue());
        kept.put(e.getKey(), new long[] {pos, line.length});
        pos += writeFully(to, ByteBuffer.wrap(line), pos);
        pos += writeFully(to, ByteBuffer.wrap(new byte[] {'\n'}), pos);
      }
      to.force(false);
      closeChannel();
      Files.move(tmp, partial, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      channel = FileChannel.open(partial, StandardOpenOption.READ, StandardOpenOption.WRITE);
      size = pos;
      lines.clear();
      lines.putAll(kept);
    } catch (IOException e) {
      throw FileErrors.writing(partial, e);
    }
  }

  /**
   * Appends one batch of samples (with extra per-sample scores such as {@code lager_wo}) in one
   * write and forces it to the device before returning. After {@link #stop()} it blocks until the
   * JVM exits, so that no write starts that the exit would tear.
   */
  public synchronized void writeBatch(List<ScoredSample> batch,
      Function<ScoredSample, Map<String, Double>> extraScores) {
    writeBatch(batch, null, extraScores);
  }

  /**
   * Appends one batch as {@link #writeBatch(List, Function)} does; {@code weights} give the tuned
   * scores of a pairwise sample's {@code pairwise} section (null: the untuned ones only).
   */
  public synchronized void writeBatch(List<ScoredSample> batch, LayerWeights weights,
      Function<ScoredSample, Map<String, Double>> extraScores) {
    while (stopped) {
      try {
        wait();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LagerException("interrupted while stopping", e);
      }
    }
    checkWritable();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    List<long[]> ranges = new ArrayList<>();
    for (ScoredSample s : batch) {
      if (lines.containsKey(s.idx())) {
        throw new IllegalStateException("idx " + s.idx() + " is already in " + partial);
      }
      byte[] line = ResultsJson.toJsonLine(s, extraScores.apply(s), weights).getBytes(StandardCharsets.UTF_8);
      ranges.add(new long[] {size + bytes.size(), line.length});
      bytes.writeBytes(line);
      bytes.write('\n');
    }
    try {
      writeFully(ByteBuffer.wrap(bytes.toByteArray()), size);
      channel.force(false);
    } catch (IOException e) {
      try {
        channel.truncate(size); // best effort: leave no torn batch behind
      } catch (IOException ignored) {
        // a resumed run cuts it off
      }
      throw FileErrors.writing(partial, e);
    }
    size += bytes.size();
    for (int i = 0; i < batch.size(); i++) {
      lines.put(batch.get(i).idx(), ranges.get(i));
    }
  }

  /**
   * Writes {@code OUT} as a JSON array of every sample in order of {@code idx}, then the manifest
   * beside it, removes the partial file and releases the output.
   */
  public synchronized Path finish() {
    checkWritable();
    Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
    MessageDigest sha = Sha256.digest();
    try (OutputStream w = new DigestOutputStream(new BufferedOutputStream(
        Files.newOutputStream(tmp), 1 << 16), sha)) {
      w.write('[');
      boolean first = true;
      for (long[] range : lines.values()) {
        w.write(first ? "\n".getBytes(StandardCharsets.UTF_8) : ",\n".getBytes(StandardCharsets.UTF_8));
        w.write(readLine(range));
        first = false;
      }
      w.write("\n]\n".getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw FileErrors.writing(out, e);
    }
    JsonObject side = new JsonObject();
    side.add(RunManifest.KEY, manifest.toJson());
    if (resolved != null) {
      side.add("resolved", new RunManifest(resolved).toJson());
    }
    side.addProperty("samples", lines.size());
    side.addProperty("results_sha256", Sha256.hex(sha));
    Path sidecar = manifestOf(out);
    Path sideTmp = sidecar.resolveSibling(sidecar.getFileName() + ".tmp");
    try {
      forceFile(tmp);
      Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw FileErrors.writing(out, e);
    }
    try {
      Files.writeString(sideTmp, side + "\n");
      forceFile(sideTmp);
      Files.move(sideTmp, sidecar, StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw FileErrors.writing(sidecar, e);
    }
    closeChannel();
    try {
      Files.delete(partial);
    } catch (IOException e) {
      throw FileErrors.writing(partial, e);
    }
    finished = true;
    lock.close();
    return out;
  }

  /**
   * For a shutdown on a signal: waits for the write in progress, lets no other write start, and
   * says what is on disk ({@code "N samples kept in FILE; rerun with --resume"}); empty when the
   * run had finished or closed.
   */
  public synchronized Optional<String> stop() {
    if (finished || channel == null) {
      return Optional.empty();
    }
    stopped = true;
    return Optional.of(lines.size() + " samples kept in " + partial + "; rerun with --resume");
  }

  /** Ends an unfinished run: keeps the partial file (removed when it holds no sample), unlocks. */
  @Override
  public synchronized void close() {
    if (finished || complete) {
      return;
    }
    closeChannel();
    if (lines.isEmpty()) {
      deleteIfExists(partial);
    }
    lock.close();
  }

  private void checkWritable() {
    if (complete || finished || channel == null) {
      throw new IllegalStateException(partial + " is not open for writing");
    }
  }

  private List<Map.Entry<Long, long[]>> byOffset() {
    List<Map.Entry<Long, long[]>> l = new ArrayList<>(lines.entrySet());
    l.sort((a, b) -> Long.compare(a.getValue()[0], b.getValue()[0]));
    return l;
  }

  private byte[] readLine(long[] range) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(range[1]));
    while (b.hasRemaining()) {
      if (channel.read(b, range[0] + b.position()) < 0) {
        throw new IOException("unexpected end of file at byte " + (range[0] + b.position()));
      }
    }
    return b.array();
  }

  private long writeFully(ByteBuffer b, long position) throws IOException {
    return writeFully(channel, b, position);
  }

  private static long writeFully(FileChannel c, ByteBuffer b, long position) throws IOException {
    int n = b.remaining();
    while (b.hasRemaining()) {
      c.write(b, position + n - b.remaining());
    }
    return n;
  }

  private void closeChannel() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // everything written was forced
      }
      channel = null;
    }
  }

  private static void forceFile(Path file) throws IOException {
    try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
      c.force(true);
    }
  }

  private static void deleteIfExists(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw FileErrors.writing(file, e);
    }
  }


  /**
   * What a partial file holds: its manifest, the byte range of each sample's line, and where the
   * last complete line ends (a torn line after it is cut off).
   */
  private record Scan(Optional<RunManifest> manifest, Optional<Map<String, String>> resolved,
      Map<Long, long[]> lines, long end) {
    int samples() {
      return lines.size();
    }

    static Scan of(Path file) {
      Optional<RunManifest> manifest = Optional.empty();
      Optional<Map<String, String>> resolved = Optional.empty();
      Map<Long, long[]> lines = new TreeMap<>();
      long offset = 0;
      int lineNo = 0;
      try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
          if (c != '\n') {
            line.write(c);
            continue;
          }
          lineNo++;
          byte[] bytes = line.toByteArray();
          line.reset();
          String text = new String(bytes, StandardCharsets.UTF_8);
          Optional<RunManifest> m = lineNo == 1 ? RunManifest.fromJsonLine(text) : Optional.empty();
          Optional<Map<String, String>> r = lineNo == 2 ? resolvedOf(text) : Optional.empty();
          if (m.isPresent()) {
            manifest = m;
          } else if (r.isPresent()) {
            resolved = r;
          } else if (!text.isBlank()) {
            long idx = sampleIdx(text, file + ":" + lineNo);
            if (lines.put(idx, new long[] {offset, bytes.length}) != null) {
              throw new InvalidInputException(file + ":" + lineNo + ": idx " + idx + " appears"
                  + " twice; the partial file is damaged: pass --overwrite to start over");
            }
          }
          offset += bytes.length + 1;
        }
      } catch (IOException e) {
        throw FileErrors.reading(file, e);
      }
      return new Scan(manifest, resolved, lines, offset);
    }

    /** The settings of a {@code {"lager_resolved": {...}}} line; empty for any other line. */
    private static Optional<Map<String, String>> resolvedOf(String text) {
      if (!text.startsWith("{\"" + RESOLVED_KEY + "\"")) {
        return Optional.empty();
      }
      try {
        JsonElement e = JsonParser.parseString(text);
        return Optional.of(RunManifest.fromJson(e.getAsJsonObject().getAsJsonObject(RESOLVED_KEY))
            .fields());
      } catch (RuntimeException e) {
        return Optional.empty();
      }
    }

    private static long sampleIdx(String text, String where) {
      JsonElement e;
      try {
        e = JsonParser.parseString(text);
      } catch (JsonParseException ex) {
        throw new InvalidInputException(where + ": malformed JSON: " + JsonFields.rootMessage(ex)
            + "; the partial file is damaged: pass --overwrite to start over", ex);
      }
      return ResultsJson.parse(e, where).idx();
    }
  }
}
