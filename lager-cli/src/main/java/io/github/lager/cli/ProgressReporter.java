package io.github.lager.cli;

import io.github.lager.core.pipeline.JudgePipeline;
import java.io.PrintWriter;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a scoring run: a progress bar with rate and ETA on a terminal, a line every tenth
 * of the run (with rate and ETA) when the output is a log.
 */
final class ProgressReporter implements JudgePipeline.Progress, AutoCloseable {
  private final ProgressBar bar;
  private final PrintWriter log;
  private final long start = System.nanoTime();
  private int lastDecile = -1;

  private ProgressReporter(ProgressBar bar, PrintWriter log) {
    this.bar = bar;
    this.log = log;
  }

  static ProgressReporter create(int total, PrintWriter log, boolean quiet) {
    if (quiet) {
      return new ProgressReporter(null, null);
    }
    if (System.console() != null) {
      return new ProgressReporter(new ProgressBarBuilder().setTaskName("scoring")
          .setInitialMax(total).setUnit(" samples", 1).showSpeed()
          .setStyle(ProgressBarStyle.ASCII).build(), null);
    }
    return new ProgressReporter(null, log);
  }

  @Override
  public void update(int done, int total, long promptTokens) {
    if (bar != null) {
      bar.stepTo(done);
      bar.setExtraMessage(promptTokens + " prompt tokens");
      return;
    }
    if (log == null || total == 0) {
      return;
    }
    int decile = done * 10 / total;
    if (decile > lastDecile || done == total) {
      lastDecile = decile;
      double seconds = (System.nanoTime() - start) / 1e9;
      double rate = done / Math.max(seconds, 1e-9);
      double eta = rate > 0 ? (total - done) / rate : 0;
      log.printf(Locale.ROOT, "scoring: %d/%d samples, %.2f samples/s, %d prompt tokens, ETA %.0f s%n",
          done, total, rate, promptTokens, eta);
    }
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
