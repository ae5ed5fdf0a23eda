/**
 * The {@link io.github.lager.core.spi.HiddenStateProvider} on DJL's PyTorch engine (CPU and CUDA):
 * the decoder forward pass written with DJL NDArray operations from the safetensors weights
 * ({@link io.github.lager.backend.djl.DjlHiddenStateProvider}). Registered as backend {@code djl}.
 */
package io.github.lager.backend.djl;
