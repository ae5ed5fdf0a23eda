/** Agreement with human ratings: Pearson, Spearman and Kendall tau-b, equal to scipy's. */
package io.github.lager.core.metrics;
