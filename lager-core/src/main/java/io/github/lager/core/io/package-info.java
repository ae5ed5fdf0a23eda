/**
 * Where data enters and leaves: the reference's input JSON Lines
 * ({@link io.github.lager.core.io.JudgeSamplesJsonl}, {@link io.github.lager.core.io.InputLines}),
 * its results file ({@link io.github.lager.core.io.ResultsJson}, extra per-sample fields through
 * {@link io.github.lager.core.io.SampleFields}), layer-weight files
 * ({@link io.github.lager.core.io.LayerWeightsJson}) and calibration files
 * ({@link io.github.lager.core.calibration.CalibrationJson}). Every reader names the file and the line,
 * sample or field of bad input; {@link io.github.lager.core.io.FileErrors} says file-system
 * failures in one line.
 *
 * <p>A scoring run's results are written durably by
 * {@link io.github.lager.core.io.IncrementalResults} (a batch at a time, forced to disk), headed by
 * the run's {@link io.github.lager.core.io.RunManifest} and held with an
 * {@link io.github.lager.core.io.OutputLock}.
 */
package io.github.lager.core.io;
