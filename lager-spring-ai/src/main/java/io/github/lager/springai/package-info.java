/**
 * Spring AI's {@code Evaluator} answered by LAGER ({@link
 * io.github.lager.springai.LagerEvaluator}): the judge's expected score read from its hidden
 * states, concurrent callers batched by {@link io.github.lager.hf.BatchingJudge}.
 */
package io.github.lager.springai;
