package io.github.lager.cli;

import io.github.lager.core.eval.Bootstrap;
import io.github.lager.core.pipeline.JudgePipeline;
import java.io.PrintWriter;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a long run (scoring, a bootstrap): a progress bar with rate and ETA on a terminal,
 * a line every tenth of the run (with rate and ETA) when the output is a log.
 */
final class ProgressReporter implements JudgePipeline.Progress, Bootstrap.Progress, AutoCloseable {
  private final ProgressBar bar;
  private final PrintWriter log;
  private final String task;
  private final String unit;
  private final long start = System.nanoTime();
  private int lastDecile = -1;

  private ProgressReporter(ProgressBar bar, PrintWriter log, String task, String unit) {
    this.bar = bar;
    this.log = log;
    this.task = task;
    this.unit = unit;
  }

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

  @Override
  public void update(int done, int total, long promptTokens) {
    if (bar != null) {
      bar.stepTo(done);
      bar.setExtraMessage(promptTokens + " prompt tokens");
      return;
    }
    logLine(done, total, String.format(Locale.ROOT, ", %d prompt tokens", promptTokens));
  }

  @Override
  public void update(int done, int total) {
    if (bar != null) {
      bar.stepTo(done);
      return;
    }
    logLine(done, total, "");
  }

  private void logLine(int done, int total, String extra) {
    if (log == null || total == 0) {
      return;
    }
    int decile = done * 10 / total;
    if (decile > lastDecile || done == total) {
      lastDecile = decile;
      double seconds = (System.nanoTime() - start) / 1e9;
      double rate = done / Math.max(seconds, 1e-9);
      double eta = rate > 0 ? (total - done) / rate : 0;
      log.printf(Locale.ROOT, "%s: %d/%d %s, %.2f %s/s%s, ETA %.0f s%n", task, done, total, unit,
          rate, unit, extra, eta);
    }
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
