package io.github.lager.cli;

import java.io.PrintWriter;
import java.util.function.IntFunction;

/**
 * The one rule for a command that finished but left unusable input out: a line saying how many
 * (listed above as "skipped"), then exit status {@link LagerCli#EXIT_SKIPPED}, or
 * {@link LagerCli#EXIT_OK} with {@code --skip-bad}; nothing is said when nothing was left out.
 */
final class SkippedExit {
  private SkippedExit() {}

  /**
   * @param skipped how many lines or samples were left out
   * @param sentence what was left out, in words, for {@code skipped} ("3 unusable input lines
   *     were left out (listed above as "skipped")")
   */
  static int of(int skipped, boolean skipBad, PrintWriter out, IntFunction<String> sentence) {
    if (skipped == 0) {
      return LagerCli.EXIT_OK;
    }
    out.println(sentence.apply(skipped) + (skipBad ? ""
        : "; exit status " + LagerCli.EXIT_SKIPPED + " (--skip-bad: 0)"));
    return skipBad ? LagerCli.EXIT_OK : LagerCli.EXIT_SKIPPED;
  }

  /** "skipped N unusable samples (listed above)": evaluate and tune. */
  static int samples(int skipped, boolean skipBad, PrintWriter out) {
    return of(skipped, skipBad, out, n -> "skipped " + n + " unusable sample" + (n == 1 ? "" : "s")
        + " (listed above)");
  }

  /** "N unusable input lines were left out": score and judge. */
  static int inputLines(int skipped, boolean skipBad, PrintWriter out) {
    return of(skipped, skipBad, out, n -> n + " unusable input line" + (n == 1 ? " was" : "s were")
        + " left out (listed above as \"skipped\")");
  }
}
