/**
 * The {@link io.github.lager.core.spi.HiddenStateProvider} on DJL's PyTorch engine (CPU and CUDA):
 * the judge's decoder as TorchScript written in this project ({@code decoder.py}), compiled by
 * libtorch at load time from an archive assembled in memory ({@code TorchScriptArchive}) and run
 * one native call per decoding step ({@code TorchScriptDecoder}), reading the safetensors weights
 * as they are. Registered as backend {@code djl}
 * ({@link io.github.lager.backend.djl.DjlHiddenStateProvider}).
 */
package io.github.lager.backend.djl;
