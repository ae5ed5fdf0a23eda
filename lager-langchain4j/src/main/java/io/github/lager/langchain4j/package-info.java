/**
 * LangChain4j's {@code DecisionModel} answered by LAGER ({@link
 * io.github.lager.langchain4j.LagerDecisionModel}): the probabilities of scale, choice and yes/no
 * questions read from the judge's hidden states, concurrent callers batched by {@link
 * io.github.lager.hf.BatchingJudge}.
 */
package io.github.lager.langchain4j;
