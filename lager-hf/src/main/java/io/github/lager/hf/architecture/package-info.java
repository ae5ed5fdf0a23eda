/**
 * The model families lager runs, one class each ({@code Llama}, {@code Mistral}, {@code Qwen2},
 * {@code Qwen3}, {@code Gemma3}, {@code Phi3}), behind {@link
 * io.github.lager.hf.architecture.Architecture}: how a family's config.json reads, what its
 * forward pass does differently, and what its checkpoint's tensors are called
 * ({@link io.github.lager.hf.architecture.TensorLayout}, by {@link
 * io.github.lager.hf.architecture.Slot}). {@link io.github.lager.hf.architecture.Architectures} is
 * the registry, and {@link io.github.lager.hf.architecture.ModelConfig} is a config.json as the
 * family reads it. It reads only {@code hf.checkpoint} (a layout names a checkpoint's tensors).
 */
package io.github.lager.hf.architecture;
