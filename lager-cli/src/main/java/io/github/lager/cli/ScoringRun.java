package io.github.lager.cli;

import io.github.lager.core.InvalidInputException;
import io.github.lager.core.eval.Calibration;
import io.github.lager.core.io.CalibrationJson;
import io.github.lager.core.io.IncrementalResults;
import io.github.lager.core.io.JudgeSample;
import io.github.lager.core.io.LayerWeightsJson;
import io.github.lager.core.io.ScoredSample;
import io.github.lager.core.math.LayerWeights;
import io.github.lager.core.math.Projection;
import io.github.lager.core.math.ScoreHead;
import io.github.lager.core.math.ScoreMethod;
import io.github.lager.core.math.ScoreScale;
import io.github.lager.core.model.Checkpoint;
import io.github.lager.core.pipeline.Condition;
import io.github.lager.core.pipeline.JudgePipeline;
import io.github.lager.core.pipeline.PipelineOptions;
import io.github.lager.core.pipeline.ScoringSummary;
import io.github.lager.core.spi.Backends;
import io.github.lager.core.spi.GenerationOptions;
import io.github.lager.core.spi.HiddenStateProvider;
import io.github.lager.core.spi.HiddenStateProviderFactory;
import io.github.lager.core.spi.ProviderOptions;
import io.github.lager.hf.ModelDirectory;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Loads the judge, runs the pipeline over samples, and writes or collects the results. */
final class ScoringRun {
  /** What the run produced: the samples (in the order written) and the summary. */
  record Outcome(List<ScoredSample> samples, Map<Long, Map<String, Double>> extraScores,
      ScoringSummary summary, LayerWeights weights, ModelDirectory model) {}

  private ScoringRun() {}

  /**
   * @param out where to write results incrementally, or null to keep them in memory only
   * @param resume continue an interrupted run of {@code out}
   */
  static Outcome run(Path modelDir, List<JudgeSample> samples, Path out, boolean resume,
      ScoringOptions o, PrintWriter log) {
    Condition condition = o.reasoning ? Condition.REASONING : Condition.DIRECT;
    PipelineOptions options = PipelineOptions.of(condition)
        .withMaxNewTokens(o.maxNewTokens != null ? o.maxNewTokens : condition.defaultMaxNewTokens())
        .withBatchSize(o.batchSize).withMaxLength(o.maxLength)
        .withLens(o.logitLens ? Projection.Lens.FINAL_NORM : Projection.Lens.RAW)
        .withFailFast(o.failFast);
    ModelDirectory model = ModelDirectory.open(modelDir);
    LayerWeights weights = null;
    if (o.weights != null) {
      weights = LayerWeightsJson.read(o.weights);
      weights.checkCompatible(model.config().numHiddenLayers() + 1, o.weights.toString());
    }
    ScoreScale scale = model.scoreScale(o.points);
    Calibration calibration = calibration(o, weights, scale.points(), log);
    ScoreHead head;
    try (Checkpoint ckpt = Checkpoint.open(modelDir)) {
      head = model.scoreHead(scale, ckpt);
    }
    GenerationOptions generation = new GenerationOptions(options.maxNewTokens(), scale,
        model.eosTokenIds(), model.padTokenId());
    HiddenStateProviderFactory factory = Backends.select(o.backend);
    Map<String, String> props = new LinkedHashMap<>();
    if (o.dtype != null) {
      props.put("dtype", o.dtype);
    }
    IncrementalResults results = out == null ? null : IncrementalResults.open(out, resume);
    List<JudgeSample> todo = samples;
    if (results != null && !results.alreadyScored().isEmpty()) {
      Set<Long> done = results.alreadyScored();
      todo = samples.stream().filter(s -> !done.contains(s.idx())).toList();
      log.printf("resuming %s: %d samples already scored, %d to go%n",
          IncrementalResults.partialOf(out), done.size(), todo.size());
    }
    List<ScoredSample> collected = new ArrayList<>();
    Map<Long, Map<String, Double>> extras = new LinkedHashMap<>();
    LayerWeights w = weights;
    log.printf(Locale.ROOT, "judge: %s (%s, %d layers, hidden %d), backend %s, %s condition,"
        + " %d new tokens, batch %d, scale 1-%d%n", modelDir, model.config().modelType(),
        model.config().numHiddenLayers(), model.config().hiddenSize(), factory.name(),
        condition.name().toLowerCase(Locale.ROOT), options.maxNewTokens(), options.batchSize(),
        scale.points());
    ScoringSummary summary;
    try (HiddenStateProvider provider = factory.create(
            new ProviderOptions(modelDir, o.device, props));
        ProgressReporter progress = ProgressReporter.create(todo.size(), log, o.quiet)) {
      JudgePipeline pipeline = new JudgePipeline(model.encoder(!o.noSpecialTokens), provider, head,
          generation, options);
      summary = pipeline.run(todo, s -> {
        Map<String, Double> scores = new LinkedHashMap<>();
        if (s.isValid()) {
          scores.put("lager_wo", ScoreMethod.LAGER_WO.score(s.logits().get(), null));
          if (w != null) {
            scores.put("lager_w", ScoreMethod.LAGER_W.score(s.logits().get(), w));
          }
          if (calibration != null) {
            scores.putAll(calibration.calibratedColumns(s, w));
          }
        }
        if (results != null) {
          results.write(s, scores);
        }
        collected.add(s);
        extras.put(s.idx(), scores);
      }, progress);
    } finally {
      if (results != null) {
        results.close();
      }
    }
    if (results != null) {
      if (summary.scored() + summary.noScoreToken() == 0 && results.alreadyScored().isEmpty()) {
        throw new InvalidInputException("no sample could be scored: " + String.join("; ",
            summary.problems().subList(0, Math.min(3, summary.problems().size()))));
      }
      results.finish();
    }
    return new Outcome(collected, extras, summary, weights, model);
  }

  /** {@code --calibration}: the maps, checked against the scale; null without the option. */
  private static Calibration calibration(ScoringOptions o, LayerWeights weights, int points,
      PrintWriter log) {
    if (o.calibration == null) {
      return null;
    }
    Calibration c = CalibrationJson.read(o.calibration);
    if (c.points() != points) {
      throw new InvalidInputException(o.calibration + " was fitted on a 1-" + c.points()
          + " scale; this run scores 1-" + points);
    }
    if (weights == null && c.maps().keySet().stream().anyMatch(ScoreMethod::isTuned)) {
      log.println(o.calibration + " calibrates lager_w, but without --weights there is no"
          + " lager_w to calibrate");
    }
    return c;
  }

  /** The summary lines every scoring command prints. */
  static void printSummary(ScoringSummary s, Path out, PrintWriter pw) {
    pw.printf(Locale.ROOT, "scored %d of %d samples: %d with a score token, %d without (written as"
        + " invalid, no score), %d too long (dropped), %d failed; %.1f s, %.2f samples/s, %d prompt"
        + " tokens, padding %.1f%%%n", s.scored() + s.noScoreToken(), s.samples(), s.scored(),
        s.noScoreToken(), s.tooLong(), s.failed(), s.seconds(), s.samplesPerSecond(),
        s.promptTokens(), 100 * s.paddingFraction());
    int shown = 0;
    for (String p : s.problems()) {
      if (shown++ == 20) {
        pw.printf("... and %d more problems%n", s.problems().size() - 20);
        break;
      }
      pw.println("  " + p);
    }
    if (out != null) {
      pw.println("wrote " + out);
    }
  }
}
