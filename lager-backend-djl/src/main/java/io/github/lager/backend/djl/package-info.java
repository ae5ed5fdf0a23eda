/**
 * The {@link io.github.lager.core.spi.HiddenStateProvider} on DJL's PyTorch engine (CPU and CUDA):
 * the decoder forward pass written with DJL NDArray operations from the safetensors weights.
 *
 * <p>Not implemented yet (tracked as its own issue): this module builds empty and registers no
 * backend, so {@link io.github.lager.core.spi.Backends} does not offer it.
 */
package io.github.lager.backend.djl;
