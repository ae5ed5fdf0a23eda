/**
 * The scoring run ({@link io.github.lager.hf.run.ScoringRun}): a JSON Lines file of judge prompts
 * in, a results file out, with the run's manifest, its lock, batches forced to disk and resume;
 * what {@code lager score} and {@code lager judge} run.
 */
package io.github.lager.hf.run;
