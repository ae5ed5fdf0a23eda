package io.github.lager.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.lager.core.LagerException;
import io.github.lager.core.io.JudgeSample;
import io.github.lager.core.io.ScoredSample;
import io.github.lager.core.math.LayerLogits;
import io.github.lager.core.math.ScoreMethod;
import io.github.lager.core.pipeline.ScoringSummary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The cross-caller batcher with a fake judge: each prompt "p&lt;n&gt;" gets score logits that
 * are a function of n alone (so a result can be checked against its sample), "p&lt;n&gt;" with n
 * divisible by 7 gets no score token (invalid) and "fail&lt;n&gt;" is reported as failed, as
 * the pipeline reports a sample it cannot score.
 */
@Timeout(120)
class BatchingJudgeTest {
  /** A fake judge that records what it ran. */
  static final class FakeJudge implements BatchingJudge.Scorer {
    final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    final List<List<String>> batches = new CopyOnWriteArrayList<>();
    volatile CountDownLatch gate = new CountDownLatch(0);
    /** Counted down when the worker first calls the judge (it then waits at the gate). */
    final CountDownLatch entered = new CountDownLatch(1);
    volatile long nanosPerBatch = 200_000;

    @Override
    public ScoringSummary score(List<JudgeSample> samples, Consumer<ScoredSample> sink) {
      entered.countDown();
      try {
        gate.await();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      assertThat(samples.stream().map(JudgeSample::idx).distinct().count())
          .as("idx unique within a call").isEqualTo(samples.size());
      batchSizes.add(samples.size());
      batches.add(samples.stream().map(s -> s.userPrompt().orElseThrow()).toList());
      long until = System.nanoTime() + nanosPerBatch;
      while (System.nanoTime() < until) {
        Thread.onSpinWait();
      }
      List<String> problems = new ArrayList<>();
      for (JudgeSample s : samples) {
        String prompt = s.userPrompt().orElseThrow();
        runs.computeIfAbsent(prompt, k -> new AtomicInteger()).incrementAndGet();
        if (prompt.startsWith("fail")) {
          problems.add("idx " + s.idx() + ": the template needs the field 'rubric'");
          continue;
        }
        int n = Integer.parseInt(prompt.substring(1));
        if (n % 7 == 0) {
          sink.accept(ScoredSample.invalid(s.idx(), prompt, null, new int[] {n}));
        } else {
          sink.accept(ScoredSample.fromLogits(s.idx(), prompt, null, logitsOf(n), new int[] {n},
              0));
        }
      }
      return new ScoringSummary(samples.size(), samples.size() - problems.size(), 0, 0,
          problems.size(), 0, problems, 0, 0, 0);
    }
  }

  static LayerLogits logitsOf(int n) {
    float[][] rows = new float[3][5];
    for (int l = 0; l < 3; l++) {
      for (int k = 0; k < 5; k++) {
        rows[l][k] = (float) Math.sin(n * 0.37 + l * 1.3 + k * 0.71);
      }
    }
    return LayerLogits.of(rows);
  }

  static JudgeSample sample(long idx, String prompt) {
    return new JudgeSample(idx, prompt, Optional.empty(), Optional.empty());
  }

  static BatchingJudge.Settings settings(int batch, int capacity) {
    return new BatchingJudge.Settings(batch, Duration.ofMillis(3), capacity,
        BatchingJudge.Backpressure.BLOCK);
  }

  @Test
  void thousandConcurrentCallsWithRandomCancellationsCompleteExactlyOnceWithTheirOwnResult()
      throws Exception {
    FakeJudge fake = new FakeJudge();
    int calls = 1000;
    List<CompletableFuture<ScoredSample>> futures = new ArrayList<>();
    List<Integer> completions = new ArrayList<>();
    AtomicInteger[] completed = new AtomicInteger[calls];
    boolean[] cancelRequested = new boolean[calls];
    for (int i = 0; i < calls; i++) {
      completed[i] = new AtomicInteger();
      futures.add(null);
      completions.add(0);
    }
    ExecutorService callers = Executors.newFixedThreadPool(32);
    CountDownLatch start = new CountDownLatch(1);
    try (BatchingJudge judge = BatchingJudge.of(fake, null, settings(8, 64))) {
      List<Future<?>> submitted = new ArrayList<>();
      for (int t = 0; t < 32; t++) {
        int thread = t;
        submitted.add(callers.submit(() -> {
          Random random = new Random(thread);
          start.await();
          for (int i = thread; i < calls; i += 32) {
            // idx repeats across callers: every caller numbers its own samples from 0
            CompletableFuture<ScoredSample> f = judge.submit(sample(i / 32, "p" + i));
            int call = i;
            f.whenComplete((r, e) -> completed[call].incrementAndGet());
            synchronized (futures) {
              futures.set(i, f);
            }
            if (random.nextInt(4) == 0) {
              if (random.nextBoolean()) {
                Thread.sleep(0, random.nextInt(500_000)); // sometimes after its batch started
              }
              cancelRequested[i] = true;
              f.cancel(false);
            }
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> s : submitted) {
        s.get(60, TimeUnit.SECONDS);
      }
      CompletableFuture.allOf(futures.stream()
          .map(f -> f.handle((r, e) -> null)).toArray(CompletableFuture[]::new))
          .get(60, TimeUnit.SECONDS);
    } finally {
      callers.shutdownNow();
    }
    int cancelled = 0;
    int ran = 0;
    for (int i = 0; i < calls; i++) {
      CompletableFuture<ScoredSample> f = futures.get(i);
      assertThat(f).as("call %d", i).isDone();
      assertThat(completed[i].get()).as("completions of call %d", i).isEqualTo(1);
      AtomicInteger runs = fake.runs.get("p" + i);
      assertThat(runs == null ? 0 : runs.get()).as("runs of call %d", i).isLessThanOrEqualTo(1);
      if (f.isCancelled()) {
        assertThat(cancelRequested[i]).as("call %d cancelled by its caller", i).isTrue();
        cancelled++;
        continue;
      }
      ran++;
      assertThat(runs).as("call %d was run", i).isNotNull();
      ScoredSample r = f.get();
      assertThat(r.idx()).isEqualTo(i / 32);
      assertThat(r.prompt()).contains("p" + i);
      if (i % 7 == 0) {
        assertThat(r.isValid()).as("call %d has no score token", i).isFalse();
      } else {
        ScoredSample expected = ScoredSample.fromLogits(i / 32, "p" + i, null, logitsOf(i),
            new int[] {i}, 0);
        assertThat(r.score(ScoreMethod.LAGER_WO, null))
            .isEqualTo(expected.score(ScoreMethod.LAGER_WO, null));
      }
    }
    assertThat(cancelled).as("some calls cancelled").isGreaterThan(50);
    assertThat(ran).isEqualTo(calls - cancelled);
    // samples cancelled before their batch were dropped, not run
    int runTotal = fake.runs.values().stream().mapToInt(AtomicInteger::get).sum();
    assertThat(runTotal).isLessThan(calls);
    assertThat(fake.batchSizes).allSatisfy(b -> assertThat(b).isBetween(1, 8));
    assertThat(fake.batchSizes.stream().mapToInt(Integer::intValue).max().orElse(0))
        .as("concurrent callers share batches").isGreaterThan(1);
  }

  @Test
  void aGroupIsNeverSplitAndRunsInOneBatch() throws Exception {
    FakeJudge fake = new FakeJudge();
    fake.gate = new CountDownLatch(1);
    try (BatchingJudge judge = BatchingJudge.of(fake, null, settings(4, 32))) {
      CompletableFuture<ScoredSample> first = judge.submit(sample(0, "p1")); // holds the worker
      fake.entered.await();
      judge.submit(sample(0, "p2"));
      judge.submit(sample(0, "p3"));
      List<CompletableFuture<ScoredSample>> group = judge.submitAll(
          List.of(sample(0, "p4"), sample(1, "p5"), sample(2, "p6")));
      fake.gate.countDown();
      CompletableFuture.allOf(group.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
      first.get(10, TimeUnit.SECONDS);
      assertThat(group.get(2).get().idx()).isEqualTo(2);
    }
    assertThat(fake.batches).containsExactly(List.of("p1"), List.of("p2", "p3"),
        List.of("p4", "p5", "p6"));
  }

  @Test
  void aFailedSampleFailsItsOwnFutureNamingTheCallersIdx() throws Exception {
    FakeJudge fake = new FakeJudge();
    try (BatchingJudge judge = BatchingJudge.of(fake, null, settings(4, 32))) {
      List<CompletableFuture<ScoredSample>> fs = judge.submitAll(
          List.of(sample(41, "p1"), sample(42, "fail"), sample(43, "p7")));
      assertThat(fs.get(0).get().isValid()).isTrue();
      assertThatThrownBy(() -> fs.get(1).get()).isInstanceOf(ExecutionException.class)
          .cause().isInstanceOf(LagerException.class)
          .hasMessage("sample idx 42: the template needs the field 'rubric'");
      assertThat(fs.get(2).get().isValid()).as("no score token: invalid, never a score").isFalse();
    }
  }

  @Test
  void aFailingBatchFailsItsFuturesAndTheWorkerGoesOn() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    FakeJudge fake = new FakeJudge();
    BatchingJudge.Scorer flaky = (samples, sink) -> {
      if (calls.incrementAndGet() == 1) {
        throw new LagerException("out of memory on the device");
      }
      return fake.score(samples, sink);
    };
    try (BatchingJudge judge = BatchingJudge.of(flaky, null, settings(4, 32))) {
      CompletableFuture<ScoredSample> a = judge.submit(sample(5, "p1"));
      assertThatThrownBy(a::get).cause().isInstanceOf(LagerException.class)
          .hasMessage("sample idx 5: its batch failed: out of memory on the device");
      assertThat(judge.submit(sample(6, "p2")).get().idx()).isEqualTo(6);
    }
  }

  @Test
  void rejectBackpressureFailsAtOnceWhenTheQueueIsFull() throws Exception {
    FakeJudge fake = new FakeJudge();
    fake.gate = new CountDownLatch(1);
    BatchingJudge.Settings s = settings(2, 4).withBackpressure(BatchingJudge.Backpressure.REJECT);
    List<CompletableFuture<ScoredSample>> queued = new ArrayList<>();
    try (BatchingJudge judge = BatchingJudge.of(fake, null, s)) {
      queued.add(judge.submit(sample(0, "p1")));
      fake.entered.await(); // the worker holds p1 at the gate
      for (int i = 2; i <= 5; i++) {
        queued.add(judge.submit(sample(0, "p" + i)));
      }
      CompletableFuture<ScoredSample> rejected = judge.submit(sample(0, "p6"));
      assertThat(rejected).isCompletedExceptionally();
      assertThatThrownBy(rejected::get).cause().isInstanceOf(RejectedExecutionException.class)
          .hasMessageContaining("queue is full (4 samples waiting)");
      assertThatThrownBy(() -> judge.submitAll(List.of(sample(0, "p1"), sample(0, "p2"),
          sample(0, "p3"), sample(0, "p4"), sample(0, "p5"))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("5 samples submitted together, more than the queue holds (4)");
      fake.gate.countDown();
    }
    for (CompletableFuture<ScoredSample> f : queued) {
      assertThat(f).isCompleted();
      assertThat(f.isCompletedExceptionally()).isFalse();
    }
  }

  @Test
  void blockBackpressureWaitsForRoom() throws Exception {
    FakeJudge fake = new FakeJudge();
    fake.gate = new CountDownLatch(1);
    try (BatchingJudge judge = BatchingJudge.of(fake, null, settings(2, 2))) {
      judge.submit(sample(0, "p1"));
      fake.entered.await();
      judge.submit(sample(0, "p2"));
      judge.submit(sample(0, "p3"));
      CompletableFuture<CompletableFuture<ScoredSample>> blocked =
          CompletableFuture.supplyAsync(() -> judge.submit(sample(9, "p4")));
      Thread.sleep(100);
      assertThat(blocked).as("the caller waits while the queue is full").isNotDone();
      fake.gate.countDown();
      assertThat(blocked.get(10, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS).idx()).isEqualTo(9);
    }
  }

  @Test
  void closeRunsEveryQueuedSampleAndThenRejects() throws Exception {
    FakeJudge fake = new FakeJudge();
    fake.gate = new CountDownLatch(1);
    AtomicInteger closedOwned = new AtomicInteger();
    BatchingJudge judge = BatchingJudge.of(fake, closedOwned::incrementAndGet, settings(4, 64));
    List<CompletableFuture<ScoredSample>> fs = new ArrayList<>();
    for (int i = 1; i <= 30; i++) {
      fs.add(judge.submit(sample(i, "p" + i)));
    }
    fake.entered.await();
    CompletableFuture.runAsync(() -> {
      try {
        Thread.sleep(100); // close() waits meanwhile, with 29 samples queued
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      fake.gate.countDown();
    });
    judge.close();
    CompletableFuture<ScoredSample> late = judge.submit(sample(0, "p99"));
    assertThat(late).isCompletedExceptionally();
    assertThatThrownBy(late::get).cause().isInstanceOf(RejectedExecutionException.class)
        .hasMessage("the batching judge is closed");
    for (int i = 0; i < fs.size(); i++) {
      assertThat(fs.get(i).get().idx()).isEqualTo(i + 1);
    }
    assertThat(closedOwned.get()).as("the owned judge is closed once").isEqualTo(1);
    assertThat(fake.runs).doesNotContainKey("p99");
  }

  @Test
  void cancelledBeforeItsBatchIsNeverRun() throws Exception {
    FakeJudge fake = new FakeJudge();
    fake.gate = new CountDownLatch(1);
    try (BatchingJudge judge = BatchingJudge.of(fake, null, settings(4, 32))) {
      judge.submit(sample(0, "p1"));
      fake.entered.await();
      CompletableFuture<ScoredSample> dropped = judge.submit(sample(0, "p2"));
      CompletableFuture<ScoredSample> kept = judge.submit(sample(0, "p3"));
      dropped.cancel(true);
      fake.gate.countDown();
      kept.get(10, TimeUnit.SECONDS);
      assertThatThrownBy(dropped::get).isInstanceOf(CancellationException.class);
    }
    assertThat(fake.runs).doesNotContainKey("p2").containsKey("p3");
  }
}
