package io.github.lager.eval;

/**
 * Agreement of one score with the human scores.
 *
 * @param pearson {@code scipy.stats.pearsonr}
 * @param spearman {@code scipy.stats.spearmanr}
 * @param kendallTau {@code scipy.stats.kendalltau} (tau-b)
 */
public record CorrelationRow(double pearson, double spearman, double kendallTau) {}
