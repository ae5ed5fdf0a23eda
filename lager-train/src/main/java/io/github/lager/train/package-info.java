/**
 * lager-train: the layer-weight tuner ({@link io.github.lager.train.LayerWeightTuner}). Feed it
 * {@link io.github.lager.train.TrainingData} (a results file of ~1k labelled samples), get
 * {@link io.github.lager.core.math.LayerWeights} with provenance, save them with
 * {@link io.github.lager.core.io.LayerWeightsJson}.
 */
package io.github.lager.train;
