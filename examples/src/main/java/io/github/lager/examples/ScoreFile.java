package io.github.lager.examples;

import io.github.lager.core.io.IncrementalResults;
import io.github.lager.core.io.JudgeSample;
import io.github.lager.core.io.JudgeSamplesJsonl;
import io.github.lager.core.io.RunManifest;
import io.github.lager.core.pipeline.ScoringSummary;
import io.github.lager.hf.Judge;
import io.github.lager.hf.JudgeOptions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Score a JSON Lines file of judge prompts with a Hugging Face judge model and write results in
 * the reference's format, every LAGER score per sample: what {@code lager score} does, through the
 * library API. The backend is whichever is on the class path (here lager-backend-djl).
 *
 * <pre>
 *   ScoreFile MODEL_DIR PROMPTS.jsonl RESULTS.json
 * </pre>
 */
public final class ScoreFile {
  private ScoreFile() {}

  public static void main(String[] args) {
    if (args.length != 3) {
      System.err.println("usage: ScoreFile MODEL_DIR PROMPTS.jsonl RESULTS.json");
      System.exit(2);
    }
    Path modelDir = Path.of(args[0]);
    Path prompts = Path.of(args[1]);
    // What the results depend on: --resume in `lager score` refuses a run with another manifest.
    Map<String, String> manifest = new LinkedHashMap<>(Judge.fingerprint(modelDir));
    manifest.put("data_sha256", RunManifest.sha256(prompts));
    List<JudgeSample> samples = JudgeSamplesJsonl.read(prompts).samples();
    try (Judge judge = Judge.open(modelDir, JudgeOptions.defaults());
        IncrementalResults out = IncrementalResults.open(Path.of(args[2]),
            new RunManifest(manifest), IncrementalResults.Mode.OVERWRITE, "ScoreFile")) {
      // Each batch is forced to disk as it comes; finish() writes the array in order of idx.
      ScoringSummary summary = judge.score(judge.plan(samples), Set.of(),
          batch -> out.writeBatch(batch, s -> s.resultColumns(null)), (done, total, tokens) -> { });
      out.finish();
      System.out.printf("%d scored, %d without a score token, %d failed: %s%n", summary.scored(),
          summary.noScoreToken(), summary.failed(), args[2]);
    }
  }
}
