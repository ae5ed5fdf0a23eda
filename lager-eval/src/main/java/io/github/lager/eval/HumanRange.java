package io.github.lager.eval;

import io.github.lager.core.InvalidInputException;
import io.github.lager.core.io.HumanScore;
import io.github.lager.core.io.ScoredSample;
import io.github.lager.core.math.LabelSet;
import java.util.List;
import java.util.Locale;

/**
 * The values a human score may take. By default the range of the judge's label set (its smallest
 * to its largest value, {@code 1..K} on the paper's scales): a human score of 42, or a pairwise
 * label 0, on a 1-5 benchmark is a data error, and folding it into the
 * correlation (or a histogram's edge bin) would give a silently wrong number. A benchmark whose
 * human scale differs from the judge's is declared with {@code --human-range MIN:MAX}.
 *
 * @param min the smallest allowed value
 * @param max the largest allowed value
 * @param declared whether the range was given by the user (rather than taken from the scale)
 */
public record HumanRange(double min, double max, boolean declared) {
  public HumanRange {
    if (!Double.isFinite(min) || !Double.isFinite(max) || min > max) {
      throw new IllegalArgumentException("a human score range needs finite MIN <= MAX, got "
          + min + ":" + max);
    }
  }

  /** The judge's scale 1..points. */
  public static HumanRange ofScale(int points) {
    return new HumanRange(1, points, false);
  }

  /** The range of the judge's label set: its smallest to its largest value. */
  public static HumanRange ofScale(LabelSet labelSet) {
    return new HumanRange(labelSet.minValue(), labelSet.maxValue(), false);
  }

  /** Parses {@code MIN:MAX} (e.g. {@code 0:2}); fails naming the option and what it expects. */
  public static HumanRange parse(String text) {
    String[] parts = text.split(":", -1);
    if (parts.length == 2) {
      try {
        double min = Double.parseDouble(parts[0].strip());
        double max = Double.parseDouble(parts[1].strip());
        if (Double.isFinite(min) && Double.isFinite(max) && min <= max) {
          return new HumanRange(min, max, true);
        }
      } catch (NumberFormatException ignored) {
        // reported below
      }
    }
    throw new io.github.lager.core.BadOptionException("--human-range", "--human-range expects MIN:MAX with numbers MIN <= MAX"
        + " (e.g. 1:5 or 0:2), found '" + text + "'");
  }

  /**
   * Checks every human score of {@code samples} (each annotator's value); fails on the first
   * outside the range, naming the sample as {@code source: sample #i (idx N)}.
   */
  public void check(List<ScoredSample> samples, String source) {
    for (int i = 0; i < samples.size(); i++) {
      ScoredSample s = samples.get(i);
      if (s.humanScore().isEmpty()) {
        continue;
      }
      HumanScore h = s.humanScore().get();
      for (double v : h.values()) {
        if (v < min || v > max) {
          throw new InvalidInputException(source + ": sample #" + i + " (idx " + s.idx()
              + "): human_score " + (h.isList() ? "holds " : "") + fmt(v) + ", outside "
              + describe()
              + (declared ? "" : "; pass --human-range MIN:MAX if the human scores use another"
                  + " scale, or score with the judge's labels (--labels 0,1,2 for pairwise"
                  + " labels 0-2)"));
        }
      }
    }
  }

  /** In words: {@code "the judge's scale 1-5"} or {@code "--human-range 0:2"}. */
  public String describe() {
    return declared ? "--human-range " + fmt(min) + ":" + fmt(max)
        : "the judge's scale " + fmt(min) + "-" + fmt(max);
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v);
  }
}
