/**
 * The {@link io.github.lager.core.spi.HiddenStateProvider} on ONNX Runtime, for graphs exported in
 * the hidden-state graph contract v1 (docs/method.md section 6; tools/export_onnx.py makes them).
 * Registered as backend {@code onnx}.
 */
package io.github.lager.backend.onnx;
