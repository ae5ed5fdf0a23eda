package io.github.lager.cli;

import io.github.lager.core.BadOptionException;

/**
 * Range checks of option values, made before any file is read; each failure is a
 * {@link BadOptionException} (exit status {@link LagerCli#EXIT_USAGE}, as a value of the wrong
 * type) naming the option, the value and what it takes.
 */
final class OptionChecks {
  private OptionChecks() {}

  static void atLeast(String option, long value, long min) {
    if (value < min) {
      throw new BadOptionException(option, option + " must be at least " + min + ", found "
          + value);
    }
  }

  static void atMost(String option, long value, long max) {
    if (value > max) {
      throw new BadOptionException(option, option + " must be at most " + max + ", found "
          + value);
    }
  }

  /** {@code value} in {@code [min, max]} (or {@code (min, max)} / {@code (min, max]}). */
  static void between(String option, double value, double min, boolean minIncluded, double max,
      boolean maxIncluded) {
    boolean ok = Double.isFinite(value) && (minIncluded ? value >= min : value > min)
        && (maxIncluded ? value <= max : value < max);
    if (!ok) {
      throw new BadOptionException(option, option + " must be in " + (minIncluded ? "[" : "(")
          + plain(min) + ", " + plain(max) + (maxIncluded ? "]" : ")")
          + ", found " + value);
    }
  }

  private static String plain(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  static BadOptionException bad(String option, String message) {
    return new BadOptionException(option, message);
  }
}
