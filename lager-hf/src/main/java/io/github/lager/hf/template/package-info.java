/**
 * The Jinja templates lager renders, in one environment ({@code JinjaEnvironment}, with
 * Python's {@code tojson} and {@code strftime}): a model's chat template ({@link
 * io.github.lager.hf.template.JinjaChatTemplate}, read from {@link
 * io.github.lager.hf.template.TokenizerConfig}) and the judge's prompt templates ({@link
 * io.github.lager.hf.template.JinjaPromptTemplate}, built-ins under {@code
 * io/github/lager/hf/templates/} in the resources). It reads no other lager-hf package.
 */
package io.github.lager.hf.template;
