/**
 * Where hidden states enter: the provider SPI. A backend implements {@link
 * io.github.lager.core.spi.HiddenStateProvider} (greedy decoding that hands back the L+1 hidden
 * states at the score position); everything above it (projection, aggregation, scores) is the
 * same for every backend. How a backend is found and loaded from a Hugging Face model directory is
 * lager-hf's {@code io.github.lager.hf.backend} package.
 */
package io.github.lager.core.spi;
