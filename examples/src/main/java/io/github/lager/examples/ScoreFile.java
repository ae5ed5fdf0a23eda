package io.github.lager.examples;

import io.github.lager.core.io.IncrementalResults;
import io.github.lager.hf.run.ScoringRun;
import java.nio.file.Path;

/**
 * {@code lager score --model MODEL_DIR --data PROMPTS.jsonl --out RESULTS.json --resume} through
 * the library: the same run (manifest, lock, batches forced to disk, resume), the same files.
 *
 * <pre>
 *   ScoreFile MODEL_DIR PROMPTS.jsonl RESULTS.json
 * </pre>
 */
public final class ScoreFile {
  private ScoreFile() {}

  public static void main(String[] args) {
    ScoringRun.Result r = ScoringRun.builder(Path.of(args[0]), Path.of(args[1]))
        .out(Path.of(args[2]), IncrementalResults.Mode.RESUME).run();
    System.out.println(r.alreadyComplete() ? args[2] + " is already complete"
        : String.format("%d scored, %d without a score token, %d failed: %s", r.summary().scored(),
            r.summary().noScoreToken(), r.summary().failed(), args[2]));
  }
}
