/**
 * A Hugging Face model directory parsed once ({@link io.github.lager.hf.model.ModelDirectory}:
 * its config, checkpoint and tensor layout, its tokenizer ({@link
 * io.github.lager.hf.model.HfTokenizer}, with DJL kept offline by {@link
 * io.github.lager.hf.model.DjlOffline}) and chat template, and its fingerprint). It reads
 * {@code hf.architecture}, {@code hf.checkpoint} and {@code hf.template}; the backend SPI
 * ({@code hf.backend}) and the judge ({@code hf}) read it.
 */
package io.github.lager.hf.model;
