/**
 * How a backend is found and loaded: a backend ships a cheap {@link
 * io.github.lager.hf.backend.HiddenStateProviderFactory} (found by {@link java.util.ServiceLoader})
 * that creates a heavy, closeable {@link io.github.lager.core.spi.HiddenStateProvider} from the
 * parsed model ({@link io.github.lager.hf.model.ModelDirectory}: config, checkpoint, tensor
 * layout, read once by {@code hf.Judge#open}); {@link io.github.lager.hf.backend.Backends} picks
 * one. It reads {@code hf.model} and the layers under it, never {@code hf} itself.
 */
package io.github.lager.hf.backend;
