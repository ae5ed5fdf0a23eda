package io.github.lager.examples;

import io.github.lager.core.io.IncrementalResults;
import io.github.lager.core.io.JudgeSamplesJsonl;
import io.github.lager.core.io.RunManifest;
import io.github.lager.core.math.ScoreHead;
import io.github.lager.core.math.ScoreMethod;
import io.github.lager.core.math.ScoreScale;
import io.github.lager.hf.Checkpoint;
import io.github.lager.core.pipeline.Condition;
import io.github.lager.core.pipeline.JudgePipeline;
import io.github.lager.core.pipeline.PipelineOptions;
import io.github.lager.core.pipeline.ScoringSummary;
import io.github.lager.core.spi.Backends;
import io.github.lager.core.spi.GenerationOptions;
import io.github.lager.core.spi.HiddenStateProvider;
import io.github.lager.core.spi.ProviderOptions;
import io.github.lager.hf.ModelDirectory;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Score a JSON Lines file of judge prompts with a Hugging Face judge model and write results in
 * the reference's format, with LAGER (untuned) per sample: what {@code lager score} does, through
 * the library API. The backend is whichever is on the class path (here lager-backend-djl).
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
    try (ModelDirectory model = ModelDirectory.open(modelDir);
        Checkpoint weights = Checkpoint.open(modelDir);
        HiddenStateProvider judge = Backends.select(null).create(ProviderOptions.of(modelDir))) {
      // What the results depend on: --resume in `lager score` refuses a run with another manifest.
      Map<String, String> manifest = new LinkedHashMap<>(model.fingerprint(weights));
      manifest.put("data_sha256", RunManifest.sha256(prompts));
      // The score tokens "1".."5" and their LM-head rows.
      ScoreScale scale = model.scoreScale(5);
      ScoreHead head = model.scoreHead(scale, weights);
      GenerationOptions generation =
          new GenerationOptions(10, scale, model.eosTokenIds(), model.padTokenId());
      JudgePipeline pipeline = new JudgePipeline(model.encoder(true), judge, head, generation,
          PipelineOptions.of(Condition.DIRECT));

      // Each batch is forced to disk as it comes; finish() writes the array in order of idx.
      ScoringSummary summary;
      try (IncrementalResults out = IncrementalResults.open(Path.of(args[2]),
          new RunManifest(manifest), IncrementalResults.Mode.OVERWRITE, "ScoreFile")) {
        summary = pipeline.run(pipeline.plan(JudgeSamplesJsonl.read(prompts).samples()),
            Set.of(), batch -> out.writeBatch(batch, s -> s.isValid()
                ? Map.of("lager_wo", ScoreMethod.LAGER_WO.score(s.logits().get(), null))
                : Map.of()),
            (done, total, tokens) -> { });
        out.finish();
      }
      System.out.printf("%d scored, %d without a score token, %d failed: %s%n", summary.scored(),
          summary.noScoreToken(), summary.failed(), args[2]);
    }
  }
}
