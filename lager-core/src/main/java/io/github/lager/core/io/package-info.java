/**
 * Where data enters and leaves: the reference's input JSON Lines
 * ({@link io.github.lager.core.io.JudgeSamplesJsonl}), its results file
 * ({@link io.github.lager.core.io.ResultsJson}) and layer-weight files
 * ({@link io.github.lager.core.io.LayerWeightsJson}). Every reader names the file and the line,
 * sample or field of bad input; {@link io.github.lager.core.io.FileErrors} says file-system
 * failures in one line.
 *
 * <p>A scoring run's results are written durably by
 * {@link io.github.lager.core.io.IncrementalResults} (a batch at a time, forced to disk), headed by
 * the run's {@link io.github.lager.core.io.RunManifest} and held with an
 * {@link io.github.lager.core.io.OutputLock}.
 */
package io.github.lager.core.io;
