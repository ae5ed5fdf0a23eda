/**
 * lager-core: everything that does not need a model runtime.
 *
 * <ul>
 *   <li>{@link io.github.lager.core.spi} - where hidden states enter: the backend SPI;
 *   <li>{@link io.github.lager.core.math} - how they are transformed: score-head projection,
 *       layer aggregation and the scores of the LAGER paper;
 *   <li>{@link io.github.lager.core.metrics} - correlation with human ratings;
 *   <li>{@link io.github.lager.core.pipeline} - the judge pipeline: templating, batching, scoring;
 *   <li>{@link io.github.lager.core.io} - where data enters and leaves: the reference's JSON Lines
 *       input, its results file, layer-weight files, run manifests, SHA-256, the JSON-file writer;
 *   <li>{@link io.github.lager.core.calibration} - calibration maps and their file.
 * </ul>
 *
 * <p>The evaluation and its reports are the lager-eval module ({@code io.github.lager.eval}).
 */
package io.github.lager.core;
