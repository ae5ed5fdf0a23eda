package io.github.lager.cli;

import io.github.lager.core.pipeline.JudgePipeline;
import io.github.lager.eval.Bootstrap;
import java.io.PrintWriter;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a long run (scoring, a bootstrap): one updating bar with rate and ETA on a terminal,
 * a line every {@value #LOG_STEP_PERCENT}% of the run (with rate and ETA) when the output is a log.
 * A scoring run counts only samples on disk (the pipeline reports a batch after the sink has
 * written it); the reporter is created just before the first batch, so its rate is measured over
 * the same time as the summary's.
 */
final class ProgressReporter implements JudgePipeline.Progress, Bootstrap.Progress, AutoCloseable {
  static final int LOG_STEP_PERCENT = 5;

  private final ProgressBar bar;
  private final PrintWriter log;
  private final String task;
  private final String unit;
  private final long start = System.nanoTime();
  private int lastStep = -1;
  /** Samples an earlier run left on disk: counted in what is shown, not in the rate. */
  private int alreadyDone;

  private ProgressReporter(ProgressBar bar, PrintWriter log, String task, String unit) {
    this.bar = bar;
    this.log = log;
    this.task = task;
    this.unit = unit;
  }

  /** Progress of scoring {@code total} samples. */
  static ProgressReporter create(int total, PrintWriter log, boolean quiet) {
    return create("scoring", "samples", total, log, quiet);
  }

  /**
   * @param task what runs, e.g. "bootstrap"
   * @param unit what is counted, e.g. "resamples"
   */
  static ProgressReporter create(String task, String unit, int total, PrintWriter log,
      boolean quiet) {
    if (quiet) {
      return new ProgressReporter(null, null, task, unit);
    }
    if (System.console() != null) {
      return new ProgressReporter(new ProgressBarBuilder().setTaskName(task)
          .setInitialMax(total).setUnit(" " + unit, 1).showSpeed()
          .setStyle(ProgressBarStyle.ASCII).build(), null, task, unit);
    }
    return new ProgressReporter(null, log, task, unit);
  }

  /**
   * Progress of a resumed scoring run: {@code onDisk} samples were kept from the earlier run, so
   * the count shown is what is on disk ({@code onDisk + done} of {@code onDisk + total}).
   */
  static ProgressReporter create(int total, int onDisk, PrintWriter log, boolean quiet) {
    ProgressReporter p = create("scoring", "samples", onDisk + total, log, quiet);
    p.alreadyDone = onDisk;
    return p;
  }

  @Override
  public void update(int doneNow, int totalNow, long promptTokens) {
    int done = alreadyDone + doneNow;
    int total = alreadyDone + totalNow;
    if (bar != null) {
      bar.maxHint(total);
      bar.stepTo(done);
      bar.setExtraMessage(promptTokens + " prompt tokens");
      return;
    }
    logLine(done, total, " on disk", String.format(Locale.ROOT, ", %d prompt tokens", promptTokens));
  }

  @Override
  public void update(int done, int total) {
    if (bar != null) {
      bar.stepTo(done);
      return;
    }
    logLine(done, total, "", "");
  }

  private void logLine(int done, int total, String where, String extra) {
    if (log == null || total == 0) {
      return;
    }
    int step = (int) (done * 100L / total) / LOG_STEP_PERCENT;
    if (step > lastStep || done == total) {
      lastStep = step;
      double seconds = (System.nanoTime() - start) / 1e9;
      double rate = (done - alreadyDone) / Math.max(seconds, 1e-9);
      double eta = rate > 0 ? (total - done) / rate : 0;
      log.printf(Locale.ROOT, "%s: %d/%d %s%s, %.2f %s/s%s, ETA %.0f s%n", task, done, total, unit,
          where, rate, unit, extra, eta);
      log.flush();
    }
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
