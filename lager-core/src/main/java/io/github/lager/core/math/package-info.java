/**
 * The LAGER math (Lai et al., "Beyond the Surface: Enhancing LLM-as-a-Judge Alignment with Human
 * via Internal Representations", NeurIPS 2025): {@link io.github.lager.core.math.Projection}
 * turns {@link io.github.lager.core.math.HiddenStates} into per-entry score logits
 * ({@link io.github.lager.core.math.LayerLogits}); {@link io.github.lager.core.math.ScoreMethod}
 * turns those into every score of the paper. Pure Java, no model runtime.
 */
package io.github.lager.core.math;
