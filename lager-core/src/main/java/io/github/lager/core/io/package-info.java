/**
 * Where data enters and leaves: the reference's input JSON Lines
 * ({@link io.github.lager.core.io.JudgeSamplesJsonl}, {@link io.github.lager.core.io.InputLines}),
 * its results file ({@link io.github.lager.core.io.ResultsJson}, extra per-sample fields through
 * {@link io.github.lager.core.io.SampleFields}), layer-weight files
 * ({@link io.github.lager.core.io.LayerWeightsJson}) and calibration files
 * ({@link io.github.lager.core.io.CalibrationJson}). Every reader names the file and the line,
 * sample or field of bad input.
 */
package io.github.lager.core.io;
