/**
 * The {@link io.github.lager.core.spi.HiddenStateProvider} on ONNX Runtime, for graphs exported in
 * the hidden-state graph contract v1 (docs/LAGER.md section 6).
 *
 * <p>Not implemented yet (tracked as its own issue): this module builds empty and registers no
 * backend, so {@link io.github.lager.core.spi.Backends} does not offer it.
 */
package io.github.lager.backend.onnx;
