package io.github.lager.eval;

import io.github.lager.core.math.ScoreMethod;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;

/**
 * Paired bootstrap of the correlations of an evaluation: resample the samples with replacement,
 * recompute every score's Pearson, Spearman and Kendall tau-b with the human scores (and the
 * {@link HumanCeiling} when there are annotators) on each resample, and report percentile
 * intervals.
 *
 * <ul>
 *   <li>Interval: the {@code (1 - level)/2} and {@code (1 + level)/2} percentiles of the
 *       resampled statistic, linearly interpolated ({@code numpy.percentile}'s default, "R-7";
 *       what {@code scipy.stats.bootstrap(method='percentile')} reports).
 *   <li>Paired comparison of scores A and B: on each resample {@code d = r(A) - r(B)} with both
 *       correlations computed on the same samples; the interval of {@code d} and the one-sided
 *       p-value of "A agrees better than B", {@code (1 + #{d <= 0}) / (B + 1)} over the B
 *       resamples (Davison and Hinkley 1997, eq. 4.11; never 0).
 *   <li>A resample on which a statistic is undefined (a constant column has no correlation) is
 *       left out of that statistic's percentiles and counted in {@link Interval#undefined}.
 * </ul>
 *
 * <p>Checked against numpy/scipy on resample indices drawn by the golden generator
 * (tools/golden/make_statistics_golden.py), to 1e-9. lager draws its own indices with
 * {@link SplittableRandom}: seeded runs repeat exactly, but are not numpy's stream.
 */
public final class Bootstrap {
  /** Resamples done so far, for a progress bar. */
  @FunctionalInterface
  public interface Progress {
    void update(int done, int total);

    Progress NONE = (done, total) -> {};
  }

  /** A paired comparison: does score {@code a} agree better with people than {@code b}? */
  public record Pair(ScoreMethod a, ScoreMethod b) {
    public Pair {
      Objects.requireNonNull(a, "a");
      Objects.requireNonNull(b, "b");
      if (a == b) {
        throw new IllegalArgumentException("a comparison needs two different scores, got "
            + a.key() + " twice");
      }
    }
  }

  private Bootstrap() {}

  /**
   * The fewest resamples whose percentile interval at {@code level} is more than the smallest and
   * largest resampled value: with R-7 percentiles of {@code B} values the lower end sits at
   * position {@code (B - 1)(1 - level)/2}, which must be at least 1, so
   * {@code B >= 1 + 2/(1 - level)} (41 for 95%, 201 for 99%). Below it the "interval" is the
   * range of a handful of resamples (of width 0 for one), not a confidence interval.
   */
  public static int minimumResamples(double level) {
    if (!(level > 0 && level < 1)) {
      throw new IllegalArgumentException("confidence level must be in (0, 1), got " + level);
    }
    return (int) Math.ceil(1 + 2 / (1 - level) - 1e-9);
  }

  /**
   * Refuses fewer than {@link #minimumResamples} resamples for {@code level}, naming the option
   * and how many are needed.
   *
   * @param option the option that gave the count, for the message (e.g. {@code --bootstrap})
   */
  public static void checkResamples(int resamples, double level, String option) {
    int needed = minimumResamples(level);
    if (resamples < needed) {
      throw new io.github.lager.core.BadOptionException(option, option + " " + resamples
          + " is too few resamples for a " + percent(level) + " percentile interval: it needs at"
          + " least " + needed + " (2000 is usual)");
    }
  }

  private static String percent(double level) {
    double p = 100 * level;
    return (Math.abs(p - Math.rint(p)) < 1e-9 ? Long.toString(Math.round(p))
        : Double.toString(p)) + "%";
  }

  /**
   * {@code count} resamples of {@code n} indices in {@code [0, n)}, drawn uniformly with
   * replacement from {@code new SplittableRandom(seed)}, resample after resample.
   */
  public static int[][] resampleIndices(int n, int count, long seed) {
    if (n < 1 || count < 1) {
      throw new IllegalArgumentException("a bootstrap needs at least 1 sample and 1 resample, got "
          + n + " samples and " + count + " resamples");
    }
    SplittableRandom random = new SplittableRandom(seed);
    int[][] out = new int[count][n];
    for (int[] resample : out) {
      for (int i = 0; i < n; i++) {
        resample[i] = random.nextInt(n);
      }
    }
    return out;
  }

  /**
   * @param resamples each row a resample: indices into {@code columns}' samples
   * @param level the intervals' coverage, e.g. 0.95
   * @param comparisons paired comparisons; both scores must be in {@code columns}
   */
  public static BootstrapReport run(ScoreColumns columns, int[][] resamples, double level,
      List<Pair> comparisons, Progress progress) {
    Objects.requireNonNull(columns, "columns");
    Objects.requireNonNull(progress, "progress");
    if (!(level > 0 && level < 1)) {
      throw new IllegalArgumentException("confidence level must be in (0, 1), got " + level);
    }
    if (resamples.length == 0) {
      throw new IllegalArgumentException("a bootstrap needs at least 1 resample");
    }
    for (Pair p : comparisons) {
      columns.scores(p.a());
      columns.scores(p.b());
    }
    double[] human = columns.human();
    List<ScoreMethod> methods = columns.methods();
    Map<ScoreMethod, double[]> scores = new LinkedHashMap<>();
    for (ScoreMethod m : methods) {
      scores.put(m, columns.scores(m));
    }
    Optional<double[][]> annotators = columns.annotators();
    int kinds = CorrelationKind.values().length;
    // stats[method][kind][resample]; the ceiling in an extra slot after the methods.
    double[][][] stats = new double[methods.size() + 1][kinds][resamples.length];
    for (int b = 0; b < resamples.length; b++) {
      int[] rows = resamples[b];
      if (rows.length != columns.n()) {
        throw new IllegalArgumentException("resample " + b + " has " + rows.length
            + " indices for " + columns.n() + " samples");
      }
      double[] h = ScoreColumns.pick(human, rows);
      for (int m = 0; m < methods.size(); m++) {
        double[] pred = ScoreColumns.pick(scores.get(methods.get(m)), rows);
        for (CorrelationKind k : CorrelationKind.values()) {
          stats[m][k.ordinal()][b] = k.compute(pred, h);
        }
      }
      if (annotators.isPresent()) {
        double[][] a = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
          a[i] = annotators.get()[rows[i]];
        }
        CorrelationRow ceiling = HumanCeiling.of(a).mean();
        for (CorrelationKind k : CorrelationKind.values()) {
          stats[methods.size()][k.ordinal()][b] = k.of(ceiling);
        }
      }
      progress.update(b + 1, resamples.length);
    }

    Map<ScoreMethod, Map<CorrelationKind, Interval>> rows = new LinkedHashMap<>();
    for (int m = 0; m < methods.size(); m++) {
      double[] pred = scores.get(methods.get(m));
      Map<CorrelationKind, Interval> row = new EnumMap<>(CorrelationKind.class);
      for (CorrelationKind k : CorrelationKind.values()) {
        row.put(k, interval(k.compute(pred, human), stats[m][k.ordinal()], level));
      }
      rows.put(methods.get(m), row);
    }
    Map<CorrelationKind, Interval> ceiling = null;
    if (annotators.isPresent()) {
      CorrelationRow full = HumanCeiling.of(annotators.get()).mean();
      ceiling = new EnumMap<>(CorrelationKind.class);
      for (CorrelationKind k : CorrelationKind.values()) {
        ceiling.put(k, interval(k.of(full), stats[methods.size()][k.ordinal()], level));
      }
    }
    List<Comparison> compared = new ArrayList<>();
    for (Pair p : comparisons) {
      int a = methods.indexOf(p.a());
      int b = methods.indexOf(p.b());
      Map<CorrelationKind, Interval> difference = new EnumMap<>(CorrelationKind.class);
      Map<CorrelationKind, Double> pOneSided = new EnumMap<>(CorrelationKind.class);
      for (CorrelationKind k : CorrelationKind.values()) {
        double[] d = new double[resamples.length];
        int notBetter = 0;
        int defined = 0;
        for (int r = 0; r < d.length; r++) {
          d[r] = stats[a][k.ordinal()][r] - stats[b][k.ordinal()][r];
          if (!Double.isNaN(d[r])) {
            defined++;
            notBetter += d[r] <= 0 ? 1 : 0;
          }
        }
        double estimate = rows.get(p.a()).get(k).estimate() - rows.get(p.b()).get(k).estimate();
        difference.put(k, interval(estimate, d, level));
        pOneSided.put(k, (1.0 + notBetter) / (defined + 1.0));
      }
      compared.add(new Comparison(p.a(), p.b(), difference, pOneSided));
    }
    return new BootstrapReport(resamples.length, level, rows, Optional.ofNullable(ceiling),
        compared);
  }

  /** The percentile interval of the defined values of {@code resampled}. */
  static Interval interval(double estimate, double[] resampled, double level) {
    double[] defined = Arrays.stream(resampled).filter(v -> !Double.isNaN(v)).toArray();
    int undefined = resampled.length - defined.length;
    if (defined.length == 0) {
      return new Interval(estimate, Double.NaN, Double.NaN, undefined);
    }
    Percentile percentile = new Percentile().withEstimationType(Percentile.EstimationType.R_7);
    percentile.setData(defined);
    return new Interval(estimate, percentile.evaluate(100 * (1 - level) / 2),
        percentile.evaluate(100 * (1 + level) / 2), undefined);
  }
}
