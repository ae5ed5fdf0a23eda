package io.github.lager.cli;

import io.github.lager.core.InvalidInputException;
import io.github.lager.core.eval.Calibration;
import io.github.lager.core.io.CalibrationJson;
import io.github.lager.core.io.IncrementalResults;
import io.github.lager.core.io.JudgeSample;
import io.github.lager.core.io.LayerWeightsJson;
import io.github.lager.core.io.RunManifest;
import io.github.lager.core.io.ScoredSample;
import io.github.lager.core.math.LayerWeights;
import io.github.lager.core.math.Projection;
import io.github.lager.core.math.ScoreHead;
import io.github.lager.core.math.ScoreMethod;
import io.github.lager.core.math.ScoreScale;
import io.github.lager.core.pipeline.BatchPlan;
import io.github.lager.hf.Checkpoint;
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
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Loads the judge, runs the pipeline over samples, and writes or collects the results.
 *
 * <p>With an output file, everything that can refuse the run does so before the model loads: an
 * output that is an input, an output in use by another run (its lock), an existing output or an
 * interrupted run's partial file without {@code --resume}/{@code --overwrite}, a resumed run
 * whose manifest differs. Each batch is on disk before the progress counts it; SIGINT or SIGTERM
 * lets the write in progress finish and says how many samples are kept.
 */
final class ScoringRun {
  /**
   * What the run produced.
   *
   * @param samples this run's samples, in order of idx (empty when {@code alreadyComplete})
   * @param summary null when {@code alreadyComplete}
   * @param alreadyComplete {@code --resume} found the output finished with the same manifest
   * @param completeSamples the sample count of that finished output
   */
  record Outcome(List<ScoredSample> samples, Map<Long, Map<String, Double>> extraScores,
      ScoringSummary summary, LayerWeights weights, ModelDirectory model, boolean alreadyComplete,
      int completeSamples) {}

  private ScoringRun() {}

  /**
   * @param data the input file (hashed into the manifest)
   * @param out where to write results incrementally, or null to keep them in memory only
   * @param mode what to do with an existing output or partial file
   * @param command the command's name, for messages ({@code "lager score"})
   */
  static Outcome run(Path modelDir, Path data, List<JudgeSample> samples, Path out,
      IncrementalResults.Mode mode, ScoringOptions o, PrintWriter log, String command) {
    o.validate();
    Condition condition = o.reasoning ? Condition.REASONING : Condition.DIRECT;
    PipelineOptions options = PipelineOptions.of(condition)
        .withMaxNewTokens(o.maxNewTokens != null ? o.maxNewTokens : condition.defaultMaxNewTokens())
        .withBatchSize(o.batchSize).withMaxLength(o.maxLength)
        .withLens(o.logitLens ? Projection.Lens.FINAL_NORM : Projection.Lens.RAW)
        .withFailFast(o.failFast);
    if (out != null) {
      Map<String, Path> inputs = new LinkedHashMap<>();
      inputs.put("--data", data);
      inputs.put("--weights", o.weights);
      inputs.put("--calibration", o.calibration);
      inputs.putAll(OutputPaths.modelInputs(modelDir));
      Map<String, Path> outputs = new LinkedHashMap<>();
      outputs.put("--out", out);
      outputs.put("--out (its partial file)", IncrementalResults.partialOf(out));
      outputs.put("--out (its manifest)", IncrementalResults.manifestOf(out));
      outputs.put("--out (its lock)", io.github.lager.core.io.OutputLock.lockFileOf(out));
      OutputPaths.refuseOverlap(inputs, outputs);
    }
    ModelDirectory model = ModelDirectory.open(modelDir);
    IncrementalResults results = null;
    try {
      LayerWeights weights = null;
      if (o.weights != null) {
        weights = LayerWeightsJson.read(o.weights);
        weights.checkCompatible(model.config().numHiddenLayers() + 1, o.weights.toString());
      }
      HiddenStateProviderFactory factory = Backends.select(o.backend);
      try (Checkpoint ckpt = Checkpoint.open(modelDir)) {
        if (out != null) {
          RunManifest manifest = manifest(model, ckpt, data, o, options, factory.name());
          results = IncrementalResults.open(out, manifest, mode, command);
          if (results.alreadyComplete()) {
            return new Outcome(List.of(), Map.of(), null, weights, model, true,
                results.completeSamples());
          }
        }
        ScoreScale scale = model.scoreScale(o.points);
        ScoreHead head = model.scoreHead(scale, ckpt);
        Calibration calibration = calibration(o, weights, scale.points(), log);
        Outcome outcome = score(model, head, scale, factory, samples, results, weights,
            calibration, options, o, log, command);
        results = null; // finished
        return outcome;
      }
    } catch (RuntimeException | Error e) {
      model.close();
      throw e;
    } finally {
      if (results != null) {
        results.close();
      }
    }
  }

  private static Outcome score(ModelDirectory model, ScoreHead head, ScoreScale scale,
      HiddenStateProviderFactory factory, List<JudgeSample> samples, IncrementalResults results,
      LayerWeights weights, Calibration calibration, PipelineOptions options, ScoringOptions o,
      PrintWriter log, String command) {
    Map<String, String> props = new LinkedHashMap<>();
    if (o.dtype != null) {
      props.put("dtype", o.dtype);
    }
    GenerationOptions generation = new GenerationOptions(options.maxNewTokens(), scale,
        model.eosTokenIds(), model.padTokenId());
    log.printf(Locale.ROOT, "judge: %s (%s, %d layers, hidden %d), backend %s, %s condition,"
        + " %d new tokens, batch %d, scale 1-%d%n", model.dir(), model.config().modelType(),
        model.config().numHiddenLayers(), model.config().hiddenSize(), factory.name(),
        options.condition().name().toLowerCase(Locale.ROOT), options.maxNewTokens(),
        options.batchSize(), scale.points());
    List<ScoredSample> collected = new ArrayList<>();
    Map<Long, Map<String, Double>> extras = new LinkedHashMap<>();
    Thread onSignal = results == null ? null : new Thread(() -> results.stop().ifPresent(m -> {
      log.println();
      log.println(command + ": interrupted: " + m);
      log.flush();
    }), "lager-interrupt");
    if (onSignal != null) {
      Runtime.getRuntime().addShutdownHook(onSignal);
    }
    ScoringSummary summary;
    try (HiddenStateProvider provider = factory.create(
        new ProviderOptions(model.dir(), o.device, props))) {
      JudgePipeline pipeline = new JudgePipeline(model.encoder(!o.noSpecialTokens), provider, head,
          generation, options);
      BatchPlan plan = pipeline.plan(samples);
      Set<Long> onDisk = Set.of();
      if (results != null && results.samplesOnDisk() > 0) {
        onDisk = plan.complete(results.onDisk());
        results.keepOnly(onDisk);
        log.printf("resuming %s: %d samples on disk, %d to score%n", results.partialFile(),
            onDisk.size(), plan.runnable() - onDisk.size());
      }
      int todo = plan.runnable() - onDisk.size();
      try (ProgressReporter progress = ProgressReporter.create(todo, log, o.quiet)) {
        summary = pipeline.run(plan, onDisk, batch -> {
          Map<Long, Map<String, Double>> scores = new LinkedHashMap<>();
          for (ScoredSample s : batch) {
            scores.put(s.idx(), extraScores(s, weights, calibration));
          }
          if (results != null) {
            results.writeBatch(batch, s -> scores.get(s.idx()));
          }
          collected.addAll(batch);
          extras.putAll(scores);
        }, progress);
      }
      if (results != null) {
        if (results.samplesOnDisk() == 0) {
          throw new InvalidInputException("no sample could be scored: " + String.join("; ",
              summary.problems().subList(0, Math.min(3, summary.problems().size()))));
        }
        results.finish();
      }
    } finally {
      if (onSignal != null) {
        try {
          Runtime.getRuntime().removeShutdownHook(onSignal);
        } catch (IllegalStateException shuttingDown) {
          // the hook is running: it reports what is on disk
        }
      }
    }
    collected.sort(Comparator.comparingLong(ScoredSample::idx));
    return new Outcome(collected, extras, summary, weights, model, false, 0);
  }

  /**
   * {@code lager_wo} (and {@code lager_w} with weights) of a valid sample, and with a calibration
   * its calibrated columns.
   */
  private static Map<String, Double> extraScores(ScoredSample s, LayerWeights w,
      Calibration calibration) {
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
    return scores;
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

  /**
   * What the results depend on: lager's version, the model's fingerprint, the data file, and every
   * option that changes a number (batch composition changes float rounding, so the batch size is
   * one).
   */
  static RunManifest manifest(ModelDirectory model, Checkpoint ckpt, Path data, ScoringOptions o,
      PipelineOptions options, String backend) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("format", "1");
    f.put("lager_version", LagerCli.version());
    f.putAll(model.fingerprint(ckpt));
    f.put("data_sha256", RunManifest.sha256(data));
    f.put("condition", options.condition().name().toLowerCase(Locale.ROOT));
    f.put("points", Integer.toString(o.points));
    f.put("max_new_tokens", Integer.toString(options.maxNewTokens()));
    f.put("max_length", Integer.toString(options.maxLength()));
    f.put("batch_size", Integer.toString(options.batchSize()));
    f.put("backend", backend);
    f.put("device", o.device.name().toLowerCase(Locale.ROOT));
    f.put("dtype", o.dtype != null ? o.dtype : "default");
    f.put("special_tokens", Boolean.toString(!o.noSpecialTokens));
    f.put("logit_lens", Boolean.toString(o.logitLens));
    f.put("weights_sha256", o.weights != null ? RunManifest.sha256(o.weights) : "none");
    f.put("calibration_sha256", o.calibration != null ? RunManifest.sha256(o.calibration) : "none");
    return new RunManifest(f);
  }

  /** The summary lines every scoring command prints. */
  static void printSummary(ScoringSummary s, Path out, PrintWriter pw) {
    int onDisk = s.scored() + s.noScoreToken() + s.kept();
    pw.printf(Locale.ROOT, "scored %d of %d samples: %s%d with a score token, %d without (written"
        + " as invalid, no score), %d too long (dropped), %d failed; %.1f s, %.2f samples/s, %d"
        + " prompt tokens, padding %.1f%%%n", onDisk, s.samples(),
        s.kept() > 0 ? s.kept() + " kept from the earlier run; in this run " : "", s.scored(),
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
