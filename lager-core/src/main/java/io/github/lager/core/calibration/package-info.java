/**
 * Calibration maps from a score onto the human scale (linear, isotonic), one per score, with
 * their provenance ({@link io.github.lager.core.calibration.Calibration}), and their file
 * ({@link io.github.lager.core.calibration.CalibrationJson}). Applied by a scoring run
 * ({@code --calibration}); fitted and judged by lager-eval's {@code CalibrationFit}.
 */
package io.github.lager.core.calibration;
