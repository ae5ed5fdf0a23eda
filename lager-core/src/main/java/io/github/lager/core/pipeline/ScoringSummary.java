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

  /**
   * Whether the run gave no score at all: every sample was without a score token, dropped or
   * failed, and none was kept from an earlier run. Such a run is an error, whichever the reason
   * (one rule for "every sample invalid" and "every sample dropped").
   */
  public boolean noScore() {
    return samples > 0 && scored == 0 && kept == 0;
  }

  /**
   * Why no sample got a score, in one line: {@code "none of the 8 samples got a score: 8 without
   * a score token; first: idx 3: ..."}.
   */
  public String noScoreReason() {
    List<String> parts = new java.util.ArrayList<>();
    if (noScoreToken > 0) {
      parts.add(noScoreToken + " without a score token in the judge's output");
    }
    if (tooLong > 0) {
      parts.add(tooLong + " too long (dropped)");
    }
    if (failed > 0) {
      parts.add(failed + " failed");
    }
    return "none of the " + samples + " samples got a score: " + String.join(", ", parts)
        + (problems.isEmpty() ? "" : "; first: " + problems.get(0));
  }

  /** The fraction of prompt positions that were padding. */
  public double paddingFraction() {
    return paddedTokens > 0 ? 1 - (double) promptTokens / paddedTokens : 0;
  }
}
