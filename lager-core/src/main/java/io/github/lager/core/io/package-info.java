/**
 * Where data enters and leaves: the reference's input JSON Lines
 * ({@link io.github.lager.core.io.JudgeSamplesJsonl}), its results file
 * ({@link io.github.lager.core.io.ResultsJson}) and layer-weight files
 * ({@link io.github.lager.core.io.LayerWeightsJson}). Every reader names the file and the line,
 * sample or field of bad input.
 */
package io.github.lager.core.io;
