package io.github.lager.cli;

import io.github.lager.core.pipeline.JudgePipeline;
import java.io.PrintWriter;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a scoring run, counting only samples on disk (the pipeline reports a batch after
 * the sink has written it): one updating bar with rate and ETA on a terminal, a line every
 * {@value #LOG_STEP_PERCENT}% of the run (with rate and ETA) when the output is a log. Created just
 * before the first batch, so its rate is measured over the same time as the summary's.
 */
final class ProgressReporter implements JudgePipeline.Progress, AutoCloseable {
  static final int LOG_STEP_PERCENT = 5;

  private final ProgressBar bar;
  private final PrintWriter log;
  private final long start = System.nanoTime();
  private int lastStep = -1;

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
      bar.maxHint(total);
      bar.stepTo(done);
      bar.setExtraMessage(promptTokens + " prompt tokens");
      return;
    }
    if (log == null || total == 0) {
      return;
    }
    int step = (int) (done * 100L / total) / LOG_STEP_PERCENT;
    if (step > lastStep || done == total) {
      lastStep = step;
      double seconds = (System.nanoTime() - start) / 1e9;
      double rate = done / Math.max(seconds, 1e-9);
      double eta = rate > 0 ? (total - done) / rate : 0;
      log.printf(Locale.ROOT, "scoring: %d/%d samples on disk, %.2f samples/s, %d prompt tokens,"
          + " ETA %.0f s%n", done, total, rate, promptTokens, eta);
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
