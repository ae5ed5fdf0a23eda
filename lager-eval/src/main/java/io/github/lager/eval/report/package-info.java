/**
 * The report formats, one class each: {@link io.github.lager.eval.report.ReportJson} (the JSON
 * of {@code --json}), {@link io.github.lager.eval.report.ConsoleReport} with
 * {@link io.github.lager.eval.report.ReportTable} and
 * {@link io.github.lager.eval.report.PairwiseTable} (the console tables), and
 * {@link io.github.lager.eval.report.ReportCharts} (PNG charts, XChart). Each renders an
 * {@link io.github.lager.eval.Report} (or a selection, a fitted calibration); a new format is a
 * new class here.
 */
package io.github.lager.eval.report;
