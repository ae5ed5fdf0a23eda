package io.github.lager.eval;

import io.github.lager.core.metrics.Correlation;

/** The three correlations of a {@link CorrelationRow}, by name, for statistics over each. */
public enum CorrelationKind {
  PEARSON("pearson"),
  SPEARMAN("spearman"),
  KENDALL_TAU("kendall_tau");

  private final String key;

  CorrelationKind(String key) {
    this.key = key;
  }

  /** The name in tables and JSON reports. */
  public String key() {
    return key;
  }

  /** This correlation of a row. */
  public double of(CorrelationRow row) {
    return switch (this) {
      case PEARSON -> row.pearson();
      case SPEARMAN -> row.spearman();
      case KENDALL_TAU -> row.kendallTau();
    };
  }

  /** This correlation of {@code x} and {@code y}. */
  public double compute(double[] x, double[] y) {
    return switch (this) {
      case PEARSON -> Correlation.pearson(x, y);
      case SPEARMAN -> Correlation.spearman(x, y);
      case KENDALL_TAU -> Correlation.kendallTauB(x, y);
    };
  }
}
