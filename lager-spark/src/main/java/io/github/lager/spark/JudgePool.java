package io.github.lager.spark;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The judges of one JVM (an executor, or the driver in local mode), opened lazily and kept for the
 * JVM's lifetime: a task borrows a judge for its partition and gives it back, so the next task of
 * the same settings on the same device scores without loading the model again. A judge is used by
 * one task at a time (a judge is single-threaded). A key allows at most {@code limit} judges: one
 * per GPU (tasks sharing a GPU wait for its judge), or one per concurrently running task on the
 * CPU (each with its own intra-op threads). Every judge is closed when the JVM shuts down.
 */
final class JudgePool {
  private static final class Entry {
    final Deque<AutoCloseable> idle = new ArrayDeque<>();
    final List<AutoCloseable> all = new ArrayList<>();
    int opening;
  }

  private static final Map<String, Entry> ENTRIES = new HashMap<>();
  private static boolean hookInstalled;

  private JudgePool() {}

  /**
   * An idle judge of {@code key}, else a new one from {@code open} when fewer than {@code limit}
   * are open or opening, else waits for one to be given back.
   */
  static <T extends AutoCloseable> T borrow(String key, int limit, Supplier<T> open) {
    synchronized (ENTRIES) {
      Entry e = ENTRIES.computeIfAbsent(key, k -> new Entry());
      while (true) {
        if (!e.idle.isEmpty()) {
          @SuppressWarnings("unchecked")
          T judge = (T) e.idle.pop();
          return judge;
        }
        if (e.all.size() + e.opening < limit) {
          e.opening++;
          break;
        }
        try {
          ENTRIES.wait();
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for a judge", ie);
        }
      }
      installHook();
    }
    T judge = null;
    try {
      judge = open.get(); // outside the lock: loading a model takes long
      return judge;
    } finally {
      synchronized (ENTRIES) {
        Entry e = ENTRIES.get(key);
        e.opening--;
        if (judge != null) {
          e.all.add(judge);
        }
        ENTRIES.notifyAll();
      }
    }
  }

  /** Gives {@code judge} back for the next task of its key. */
  static void giveBack(String key, AutoCloseable judge) {
    synchronized (ENTRIES) {
      Entry e = ENTRIES.get(key);
      if (e != null && e.all.contains(judge)) {
        e.idle.push(judge);
        ENTRIES.notifyAll();
        return;
      }
    }
    try { // the pool was closed while the task ran (JVM shutdown)
      judge.close();
    } catch (Exception ignored) {
      // shutting down
    }
  }

  /** How many judges of {@code key} this JVM has opened (for tests). */
  static int opened(String key) {
    synchronized (ENTRIES) {
      Entry e = ENTRIES.get(key);
      return e == null ? 0 : e.all.size();
    }
  }

  /** Closes every judge (the JVM shutdown hook; tests). */
  static void closeAll() {
    List<AutoCloseable> judges = new ArrayList<>();
    synchronized (ENTRIES) {
      for (Entry e : ENTRIES.values()) {
        judges.addAll(e.all);
      }
      ENTRIES.clear();
    }
    for (AutoCloseable j : judges) {
      try {
        j.close();
      } catch (Exception ignored) {
        // shutting down: nothing to do about a judge that fails to close
      }
    }
  }

  private static void installHook() {
    if (!hookInstalled) {
      Runtime.getRuntime().addShutdownHook(new Thread(JudgePool::closeAll, "lager-judges-close"));
      hookInstalled = true;
    }
  }
}
