/**
 * The reference's evaluation: merge results files by idx, leave out the tuning samples, and
 * correlate every score with the human scores ({@link io.github.lager.core.eval.Evaluation}).
 */
package io.github.lager.core.eval;
