/**
 * A checkpoint's files: {@link io.github.lager.hf.checkpoint.Checkpoint} (one or more
 * {@code .safetensors} shards, memory-mapped), {@link
 * io.github.lager.hf.checkpoint.SafetensorsFile} (one shard's header and tensors) and {@link
 * io.github.lager.hf.checkpoint.SafetensorsWriter}. The bottom layer of lager-hf: it reads no
 * other lager-hf package.
 */
package io.github.lager.hf.checkpoint;
