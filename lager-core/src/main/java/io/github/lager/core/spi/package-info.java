/**
 * Where hidden states enter: the backend SPI. A backend ships a cheap
 * {@link io.github.lager.core.spi.HiddenStateProviderFactory} (found by ServiceLoader) that
 * creates a heavy, closeable {@link io.github.lager.core.spi.HiddenStateProvider};
 * {@link io.github.lager.core.spi.Backends} picks one.
 */
package io.github.lager.core.spi;
