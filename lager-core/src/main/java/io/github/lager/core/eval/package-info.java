/**
 * The reference's evaluation and the statistics around it. Merge results files by idx, leave out
 * the tuning samples ({@link io.github.lager.core.eval.SampleSets}), take every score of every
 * valid sample once ({@link io.github.lager.core.eval.ScoreColumns}) and correlate it with the
 * human scores ({@link io.github.lager.core.eval.Evaluation}); then:
 *
 * <ul>
 *   <li>{@link io.github.lager.core.eval.Bootstrap}: percentile intervals and paired comparisons;
 *   <li>{@link io.github.lager.core.eval.HumanCeiling}: each annotator against the others;
 *   <li>{@link io.github.lager.core.eval.Groups}: a table per group (a FLASK skill);
 *   <li>{@link io.github.lager.core.eval.Answerability}: low scores as "cannot answer";
 *   <li>{@link io.github.lager.core.eval.Calibration} and
 *       {@link io.github.lager.core.eval.CrossValidation}: monotone maps onto the human scale;
 *   <li>{@link io.github.lager.core.eval.Selection}: the best samples by a score.
 * </ul>
 *
 * Every number is checked against numpy/scipy (scikit-learn's definitions where it defines the
 * metric) on goldens from tools/golden/make_statistics_golden.py.
 */
package io.github.lager.core.eval;
