/**
 * The evaluation of results files: {@link io.github.lager.eval.ResultsEvaluation} takes results
 * in and returns one {@link io.github.lager.eval.Report}, which {@code eval.report} writes;
 * {@link io.github.lager.eval.DataSelection} and {@link io.github.lager.eval.CalibrationFit} are
 * {@code lager select} and {@code lager calibrate}. Underneath, the reference's evaluation and
 * the statistics around it. Merge results files by idx, leave out
 * the tuning samples ({@link io.github.lager.eval.SampleSets}), take every score of every
 * valid sample once ({@link io.github.lager.eval.ScoreColumns}) and correlate it with the
 * human scores ({@link io.github.lager.eval.Evaluation}); then:
 *
 * <ul>
 *   <li>{@link io.github.lager.eval.Bootstrap}: percentile intervals and paired comparisons;
 *   <li>{@link io.github.lager.eval.HumanCeiling}: each annotator against the others;
 *   <li>{@link io.github.lager.eval.Groups}: a table per group (a FLASK skill);
 *   <li>{@link io.github.lager.eval.Answerability}: low scores as "cannot answer";
 *   <li>{@link io.github.lager.core.calibration.Calibration} and
 *       {@link io.github.lager.eval.CrossValidation}: monotone maps onto the human scale;
 *   <li>{@link io.github.lager.eval.Selection}: the best samples by a score.
 * </ul>
 *
 * Every number is checked against numpy/scipy (scikit-learn's definitions where it defines the
 * metric) on goldens from tools/golden/make_statistics_golden.py.
 */
package io.github.lager.eval;
