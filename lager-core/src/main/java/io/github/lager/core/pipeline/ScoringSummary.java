package io.github.lager.core.pipeline;

import java.util.List;

/**
 * What a scoring run did.
 *
 * @param samples samples given
 * @param scored samples with a score token (valid)
 * @param noScoreToken samples whose judge output held no score token (written as invalid, never
 *     given a score)
 * @param tooLong prompts over the maximum length, dropped as the reference drops them
 * @param failed samples that could not be scored (named in {@code problems})
 * @param kept samples not run because an earlier run's results for their batch are on disk
 * @param problems one line per dropped or failed sample: its idx and what went wrong
 * @param promptTokens tokens of the prompts that were run
 * @param paddedTokens prompt tokens plus left padding: {@code 1 - promptTokens / paddedTokens} is
 *     the padding waste
 * @param seconds wall time of the batches, from the first batch to the last write (the time the
 *     progress bar's rate is measured over)
 */
public record ScoringSummary(int samples, int scored, int noScoreToken, int tooLong, int failed,
    int kept, List<String> problems, long promptTokens, long paddedTokens, double seconds) {
  public ScoringSummary {
    problems = List.copyOf(problems);
  }

  /** Samples scored by this run (with or without a score token) per second. */
  public double samplesPerSecond() {
    return seconds > 0 ? (scored + noScoreToken) / seconds : 0;
  }

  /** The fraction of prompt positions that were padding. */
  public double paddingFraction() {
    return paddedTokens > 0 ? 1 - (double) promptTokens / paddedTokens : 0;
  }
}
