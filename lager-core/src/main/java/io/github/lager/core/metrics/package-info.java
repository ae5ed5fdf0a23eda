/**
 * Agreement with human ratings: Pearson, Spearman and Kendall tau-b equal to scipy's
 * ({@link io.github.lager.core.metrics.Correlation}); mean absolute and root mean squared error
 * ({@link io.github.lager.core.metrics.Errors}) and precision, recall and F1 of a class
 * ({@link io.github.lager.core.metrics.PrecisionRecall}), accuracy and Cohen's kappa
 * ({@link io.github.lager.core.metrics.Agreement}) equal to scikit-learn's.
 */
package io.github.lager.core.metrics;
