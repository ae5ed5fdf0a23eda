/** Reading Hugging Face model files: safetensors tensors, read on demand and widened to float32. */
package io.github.lager.core.model;
