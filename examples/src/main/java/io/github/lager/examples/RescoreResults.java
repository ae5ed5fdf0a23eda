package io.github.lager.examples;

import io.github.lager.core.io.LayerWeightsJson;
import io.github.lager.core.io.ResultsJson;
import io.github.lager.core.io.ScoredSample;
import io.github.lager.core.math.LayerLogits;
import io.github.lager.core.math.LayerWeights;
import io.github.lager.core.math.ScoreMethod;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Per-sample LAGER scores for a results file written by the Python reference (or by lager), as a
 * CSV for data selection: {@code idx,e_score,lager_wo,lager_w}. Invalid samples (no score token)
 * are written with empty scores, never with a made-up one.
 *
 * <pre>
 *   RescoreResults RESULTS.json WEIGHTS.json OUT.csv
 * </pre>
 */
public final class RescoreResults {
  private RescoreResults() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      System.err.println("usage: RescoreResults RESULTS.json WEIGHTS.json OUT.csv");
      System.exit(2);
    }
    LayerWeights weights = LayerWeightsJson.read(Path.of(args[1]));
    int written = 0;
    try (PrintWriter out = new PrintWriter(
        Files.newBufferedWriter(Path.of(args[2]), StandardCharsets.UTF_8))) {
      out.println("idx,e_score,lager_wo,lager_w");
      for (ScoredSample s : ResultsJson.read(Path.of(args[0]))) {
        if (!s.isValid()) {
          out.println(s.idx() + ",,,");
          continue;
        }
        LayerLogits z = s.logits().orElseThrow();
        weights.checkCompatible(z.entries(), args[1]);
        out.printf(Locale.ROOT, "%d,%.6f,%.6f,%.6f%n", s.idx(), s.eScore(),
            s.score(ScoreMethod.LAGER_WO, null), s.score(ScoreMethod.LAGER_W, weights));
        written++;
      }
    }
    System.out.println("scored " + written + " samples into " + args[2]);
  }
}
