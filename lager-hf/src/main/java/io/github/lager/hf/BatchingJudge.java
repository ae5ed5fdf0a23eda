package io.github.lager.hf;

import io.github.lager.core.LagerException;
import io.github.lager.core.io.JudgeSample;
import io.github.lager.core.io.ScoredSample;
import io.github.lager.core.pipeline.ScoringSummary;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One {@link Judge} shared by many threads: callers submit samples from any thread and get a
 * {@link CompletableFuture} of each sample's {@link ScoredSample}; one worker thread owns the judge
 * and drains a bounded queue into batches, so that concurrent single-sample callers (an
 * evaluation harness calling from 16 threads, a LangChain4j or Spring AI adapter) get the judge's
 * batch throughput.
 *
 * <pre>{@code
 * try (BatchingJudge judges = BatchingJudge.of(Judge.open(dir, options), BatchingJudge.Settings
 *     .forJudge(options))) {
 *   CompletableFuture<ScoredSample> f = judges.submit(sample);   // from any thread
 *   double lagerWo = f.join().score(ScoreMethod.LAGER_WO, null);
 * }
 * }</pre>
 *
 * <p><b>Batches.</b> The worker waits for the first queued sample, then up to
 * {@link Settings#maxWait()} for the batch to fill to {@link Settings#maxBatchSize()} samples,
 * and runs what it has through the judge in one call. Samples submitted together
 * ({@link #submitAll}) are a group: a group is never split across batches (a group larger than
 * the maximum batch size runs as a batch of its own, which the judge splits into its own
 * batches).
 *
 * <p><b>Results depend on the batch only within the backend's tolerance.</b> A batch is
 * left-padded to its longest prompt; the backends' contract (lager-testkit's
 * {@code HiddenStateProviderContract}, docs/development.md#tolerances) holds a sample's hidden
 * states to the same values at batch sizes 1, 3 and 4 within 1e-4 relative, so a sample's scores
 * can differ in the last digits with the samples it happened to share a batch with. Greedy ids are
 * equal unless two top logits are tied within that tolerance. The same sample submitted alone
 * twice gives the same result.
 *
 * <p><b>Backpressure.</b> The queue holds at most {@link Settings#queueCapacity()} samples. When
 * it is full, {@link Backpressure#BLOCK} makes {@code submit} wait for room (the caller's thread
 * blocks; an interrupt fails that call's futures), {@link Backpressure#REJECT} returns futures
 * already failed with {@link RejectedExecutionException}. A group larger than the capacity is
 * refused at once with {@link IllegalArgumentException}.
 *
 * <p><b>Cancellation.</b> Cancelling a future before its batch starts drops its sample: it is not
 * run (it keeps its queue slot until the worker reaches it). A future cancelled while its batch
 * runs stays cancelled; the result is discarded.
 *
 * <p><b>Every future completes exactly once</b>: with the sample's result (valid or invalid: a
 * sample without a score token is a {@link ScoredSample} that {@link ScoredSample#isValid() is
 * not valid}, never a made-up score), or exceptionally with a {@link LagerException} naming the
 * sample (dropped as too long, a template error, a backend failure), a
 * {@link RejectedExecutionException} (full queue with REJECT, or submitted after close) or a
 * {@link CancellationException}. {@link #close()} stops accepting samples, lets the worker run
 * every sample still queued, and then closes the judge (when owned): no future is left pending.
 *
 * <p>The samples' {@code idx} need not be unique across callers: each sample is renumbered inside
 * the judge's run and its result carries the caller's idx again.
 */
public final class BatchingJudge implements AutoCloseable {
  /** What the worker runs a batch through; {@link Judge#score(List, Consumer)} is one. */
  @FunctionalInterface
  public interface Scorer {
    /**
     * Scores {@code samples} (distinct idx), handing each result to {@code sink}; samples that fail
     * are left out of the sink and reported in the summary's problems as {@code "idx N: why"}.
     */
    ScoringSummary score(List<JudgeSample> samples, Consumer<ScoredSample> sink);
  }

  /** What {@code submit} does when the queue is full. */
  public enum Backpressure {
    /** Wait for room in the queue. */
    BLOCK,
    /** Fail the new samples' futures with {@link RejectedExecutionException}. */
    REJECT
  }

  /**
   * How a {@link BatchingJudge} forms batches.
   *
   * @param maxBatchSize the most samples one call of the judge gets (>= 1)
   * @param maxWait how long the worker waits for a batch to fill once it has a sample (>= 0)
   * @param queueCapacity the most samples waiting (>= maxBatchSize)
   * @param backpressure what {@code submit} does when the queue is full
   */
  public record Settings(int maxBatchSize, Duration maxWait, int queueCapacity,
      Backpressure backpressure) {
    /** The default wait for a batch to fill. */
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofMillis(5);

    public Settings {
      Objects.requireNonNull(maxWait, "maxWait");
      Objects.requireNonNull(backpressure, "backpressure");
      if (maxBatchSize < 1) {
        throw new IllegalArgumentException("maxBatchSize must be >= 1, got " + maxBatchSize);
      }
      if (maxWait.isNegative()) {
        throw new IllegalArgumentException("maxWait must not be negative, got " + maxWait);
      }
      if (queueCapacity < maxBatchSize) {
        throw new IllegalArgumentException("queueCapacity (" + queueCapacity
            + ") must be at least maxBatchSize (" + maxBatchSize + ")");
      }
    }

    /**
     * A batch of the judge's own batch size (one backend batch per call), a wait of 5 ms, room
     * for 64 batches, blocking when full.
     */
    public static Settings forJudge(JudgeOptions options) {
      int b = options.pipeline().batchSize();
      return new Settings(b, DEFAULT_MAX_WAIT, 64 * b, Backpressure.BLOCK);
    }

    public Settings withMaxBatchSize(int n) {
      return new Settings(n, maxWait, Math.max(queueCapacity, n), backpressure);
    }

    public Settings withMaxWait(Duration d) {
      return new Settings(maxBatchSize, d, queueCapacity, backpressure);
    }

    public Settings withQueueCapacity(int n) {
      return new Settings(maxBatchSize, maxWait, n, backpressure);
    }

    public Settings withBackpressure(Backpressure b) {
      return new Settings(maxBatchSize, maxWait, queueCapacity, b);
    }
  }

  /** A sample waiting with its future. */
  private record Pending(JudgeSample sample, CompletableFuture<ScoredSample> future) {}

  private final Scorer scorer;
  private final AutoCloseable owned;
  private final Settings settings;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final Condition notFull = lock.newCondition();
  /** Queued groups, oldest first. */
  private final ArrayDeque<List<Pending>> queue = new ArrayDeque<>();
  private int queuedSamples;
  private boolean closed;
  private final Thread worker;

  private BatchingJudge(Scorer scorer, AutoCloseable owned, Settings settings, String name) {
    this.scorer = Objects.requireNonNull(scorer, "scorer");
    this.owned = owned;
    this.settings = Objects.requireNonNull(settings, "settings");
    this.worker = new Thread(this::work, "lager-batching-judge-" + name);
    worker.setDaemon(true);
    worker.start();
  }

  /** Batches over {@code judge}, which this object owns from now on (closing this closes it). */
  public static BatchingJudge of(Judge judge, Settings settings) {
    Objects.requireNonNull(judge, "judge");
    return new BatchingJudge(judge::score, judge, settings, judge.model().dir().getFileName()
        .toString());
  }

  /**
   * Batches over any scorer (a {@code JudgePipeline} with a test provider, say); {@code onClose}
   * (may be null) is closed after the worker ends.
   */
  public static BatchingJudge of(Scorer scorer, AutoCloseable onClose, Settings settings) {
    return new BatchingJudge(scorer, onClose, settings, "scorer");
  }

  public Settings settings() {
    return settings;
  }

  /** Queues {@code sample}; its future completes when its batch has run. */
  public CompletableFuture<ScoredSample> submit(JudgeSample sample) {
    Objects.requireNonNull(sample, "sample");
    return submitAll(List.of(sample)).get(0);
  }

  /**
   * Queues {@code samples} as one group (never split across batches: several questions of one
   * request are judged in one batch); the futures are in the order of the samples.
   */
  public List<CompletableFuture<ScoredSample>> submitAll(List<JudgeSample> samples) {
    Objects.requireNonNull(samples, "samples");
    if (samples.size() > settings.queueCapacity()) {
      throw new IllegalArgumentException(samples.size() + " samples submitted together, more than"
          + " the queue holds (" + settings.queueCapacity() + "); raise queueCapacity or submit"
          + " fewer at a time");
    }
    List<Pending> group = new ArrayList<>(samples.size());
    List<CompletableFuture<ScoredSample>> futures = new ArrayList<>(samples.size());
    for (JudgeSample s : samples) {
      Pending p = new Pending(Objects.requireNonNull(s, "sample"), new CompletableFuture<>());
      group.add(p);
      futures.add(p.future());
    }
    if (group.isEmpty()) {
      return futures;
    }
    lock.lock();
    try {
      while (!closed && queuedSamples + group.size() > settings.queueCapacity()) {
        if (settings.backpressure() == Backpressure.REJECT) {
          fail(group, new RejectedExecutionException("the judge's queue is full ("
              + settings.queueCapacity() + " samples waiting); retry later or use"
              + " Backpressure.BLOCK"));
          return futures;
        }
        try {
          notFull.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          fail(group, new CancellationException("interrupted while waiting for room in the"
              + " judge's queue"));
          return futures;
        }
      }
      if (closed) {
        fail(group, new RejectedExecutionException("the batching judge is closed"));
        return futures;
      }
      queue.add(group);
      queuedSamples += group.size();
      notEmpty.signal();
    } finally {
      lock.unlock();
    }
    return futures;
  }

  /** Samples waiting for a batch (cancelled ones included until the worker drops them). */
  public int queued() {
    lock.lock();
    try {
      return queuedSamples;
    } finally {
      lock.unlock();
    }
  }

  private static void fail(List<Pending> group, Throwable t) {
    for (Pending p : group) {
      p.future().completeExceptionally(t);
    }
  }

  /** The worker: take a batch, run it, complete its futures; until closed and drained. */
  private void work() {
    while (true) {
      List<Pending> batch;
      try {
        batch = takeBatch();
      } catch (InterruptedException e) {
        continue; // only close() interrupts nobody; keep draining
      }
      if (batch == null) {
        return;
      }
      run(batch);
    }
  }

  /** The next batch of live samples; null when closed and nothing is left. */
  private List<Pending> takeBatch() throws InterruptedException {
    lock.lock();
    try {
      while (queue.isEmpty()) {
        if (closed) {
          return null;
        }
        notEmpty.await();
      }
      long deadline = System.nanoTime() + settings.maxWait().toNanos();
      while (queuedSamples < settings.maxBatchSize() && !closed) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        notEmpty.awaitNanos(left);
      }
      List<Pending> batch = new ArrayList<>();
      int taken = 0;
      while (!queue.isEmpty()) {
        List<Pending> group = queue.peek();
        if (taken > 0 && taken + group.size() > settings.maxBatchSize()) {
          break;
        }
        queue.poll();
        queuedSamples -= group.size();
        taken += group.size();
        for (Pending p : group) {
          if (!p.future().isDone()) { // cancelled before its batch: dropped
            batch.add(p);
          }
        }
      }
      notFull.signalAll();
      return batch;
    } finally {
      lock.unlock();
    }
  }

  private void run(List<Pending> batch) {
    if (batch.isEmpty()) {
      return;
    }
    List<JudgeSample> samples = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      JudgeSample s = batch.get(i).sample();
      samples.add(new JudgeSample(i, s.userPrompt(), s.userPromptFeedback(), s.humanScore(),
          s.fields()));
    }
    Map<Long, ScoredSample> results = new HashMap<>();
    try {
      ScoringSummary summary = scorer.score(samples, r -> results.put(r.idx(), r));
      Map<Long, String> problems = problemsByIdx(summary.problems());
      for (int i = 0; i < batch.size(); i++) {
        Pending p = batch.get(i);
        ScoredSample r = results.get((long) i);
        if (r != null) {
          p.future().complete(withIdx(r, p.sample().idx()));
        } else {
          String why = Optional.ofNullable(problems.get((long) i))
              .orElse("the judge returned no result for it");
          p.future().completeExceptionally(new LagerException("sample idx " + p.sample().idx()
              + ": " + why));
        }
      }
    } catch (RuntimeException | Error e) {
      for (Pending p : batch) {
        p.future().completeExceptionally(new LagerException("sample idx " + p.sample().idx()
            + ": its batch failed: " + e.getMessage(), e));
      }
      if (e instanceof Error err) { // the worker cannot go on: fail what waits, then die
        failEverything(err);
        throw err;
      }
    }
  }

  /** After a fatal error in the worker: no future may stay pending. */
  private void failEverything(Throwable cause) {
    lock.lock();
    try {
      closed = true;
      for (List<Pending> group : queue) {
        fail(group, new LagerException("the batching judge's worker died: " + cause, cause));
      }
      queue.clear();
      queuedSamples = 0;
      notFull.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The summary's problem lines by the idx they start with ({@code "idx N: why"}). */
  private static Map<Long, String> problemsByIdx(List<String> problems) {
    Map<Long, String> out = new HashMap<>();
    for (String line : problems) {
      if (line.startsWith("idx ")) {
        int colon = line.indexOf(": ");
        if (colon > 4) {
          try {
            out.put(Long.parseLong(line.substring(4, colon)), line.substring(colon + 2));
          } catch (NumberFormatException e) {
            // not one sample's line
          }
        }
      }
    }
    return out;
  }

  /** {@code r} (and its swapped judgment) with the caller's idx. */
  static ScoredSample withIdx(ScoredSample r, long idx) {
    Optional<ScoredSample> swapped = r.swapped().map(b -> withIdx(b, idx));
    return new ScoredSample(idx, r.prompt(), r.humanScore(), r.directScore(), r.eScore(),
        r.weightedDirectScore(), r.logits(), r.generatedIds(), r.scoreStep(), r.labelSet(),
        swapped, r.finalLabelMass());
  }

  /**
   * Stops accepting samples, runs every sample still queued, waits for the worker and closes the
   * judge (when owned). Callers blocked on a full queue get rejected futures.
   */
  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      notEmpty.signalAll();
      notFull.signalAll();
    } finally {
      lock.unlock();
    }
    boolean interrupted = false;
    while (worker.isAlive()) {
      try {
        worker.join(TimeUnit.SECONDS.toMillis(1));
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (owned != null) {
      try {
        owned.close();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new LagerException("closing the judge failed: " + e.getMessage(), e);
      }
    }
  }
}
