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
import io.github.lager.core.math.ScoreMethod;
import io.github.lager.core.pipeline.BatchPlan;
import io.github.lager.core.pipeline.PipelineOptions;
import io.github.lager.core.pipeline.ScoringSummary;
import io.github.lager.hf.Judge;
import io.github.lager.hf.JudgeOptions;
import io.github.lager.hf.ModelConfig;
import io.github.lager.hf.backend.Backends;
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
 * Opens the judge ({@link Judge}), runs it over samples, and writes or collects the results.
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
   * @param outputs each sample's generated text, decoded (for display)
   * @param summary null when {@code alreadyComplete}
   * @param alreadyComplete {@code --resume} found the output finished with the same manifest
   * @param completeSamples the sample count of that finished output
   */
  record Outcome(List<ScoredSample> samples, Map<Long, String> outputs,
      Map<Long, Map<String, Double>> extraScores, ScoringSummary summary, LayerWeights weights,
      boolean alreadyComplete, int completeSamples) {}

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
    LayerWeights weights = o.weights != null ? LayerWeightsJson.read(o.weights) : null;
    JudgeOptions options = o.judgeOptions(weights);
    Calibration calibration = calibration(o, weights, log);
    if (calibration != null) {
      // the label set is known from the options: refused before the model loads
      calibration.checkLabels(options.labels(), o.calibration.toString());
    }
    IncrementalResults results = null;
    try {
      if (out != null) {
        // everything that can refuse the run does so before the model loads
        String backend = Backends.select(o.backend).name();
        RunManifest manifest = manifest(Judge.fingerprint(modelDir), data, o, options, backend);
        results = IncrementalResults.open(out, manifest, mode, command);
        if (results.alreadyComplete()) {
          return new Outcome(List.of(), Map.of(), Map.of(), null, weights, true,
              results.completeSamples());
        }
      }
      try (Judge judge = Judge.open(modelDir, options)) {
        if (results != null) {
          Map<String, String> resolved = new LinkedHashMap<>();
          resolved.put("device", judge.provider().device());
          resolved.put("dtype", judge.provider().dtype());
          results.recordResolved(resolved);
        }
        Outcome outcome = score(judge, samples, results, calibration, o, log, command);
        results = null; // finished
        return outcome;
      }
    } finally {
      if (results != null) {
        results.close();
      }
    }
  }

  private static Outcome score(Judge judge, List<JudgeSample> samples, IncrementalResults results,
      Calibration calibration, ScoringOptions o, PrintWriter log, String command) {
    ModelConfig config = judge.config();
    PipelineOptions options = judge.options().pipeline();
    LayerWeights weights = judge.weights().orElse(null);
    if (calibration != null) {
      calibration.checkLabels(judge.scale(), o.calibration.toString());
    }
    JudgeOptions jo = judge.options();
    PrintWriter info = o.quiet ? new PrintWriter(java.io.Writer.nullWriter()) : log;
    info.printf(Locale.ROOT, "judge: %s (%s, %d layers, hidden %d), backend %s, %s condition,"
        + " %d new tokens, batch %d, labels %s%s, %s%s%s%n", judge.model().dir(),
        config.modelType(), config.numHiddenLayers(), config.hiddenSize(), judge.backend(),
        options.condition().name().toLowerCase(Locale.ROOT), options.maxNewTokens(),
        options.batchSize(), judge.scale().describe(), jo.labelsGiven() ? ""
            : jo.template().isPresent() ? " (the template's)" : " (default)",
        jo.template().map(t -> "template " + t.name()).orElse("rendered prompts"),
        jo.anchor().map(a -> ", score after \"" + a + "\"").orElse(""),
        jo.pairwise() ? ", pairwise: both orders" : "");
    jo.template().flatMap(t -> t.builtIn()).ifPresent(b -> {
      if (options.condition() == io.github.lager.core.pipeline.Condition.REASONING
          && jo.anchor().isEmpty()) {
        info.println("note: the " + b.name() + " template asks the judge to write \"" + b.anchor()
            + "\" before its score; --anchor \"" + b.anchor() + "\" reads the score there (without"
            + " it, the last label token of the output is the score)");
      }
    });
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
    try {
      BatchPlan plan = judge.plan(samples);
      Set<Long> onDisk = Set.of();
      if (results != null && results.samplesOnDisk() > 0) {
        onDisk = plan.complete(results.onDisk());
        results.keepOnly(onDisk);
        info.printf("resuming %s: %d samples on disk, %d to score%n", results.partialFile(),
            onDisk.size(), plan.runnable() - onDisk.size());
      }
      int todo = plan.runnable() - onDisk.size();
      try (ProgressReporter progress = ProgressReporter.create(todo, onDisk.size(), log,
          o.quiet)) {
        summary = judge.score(plan, onDisk, batch -> {
          Map<Long, Map<String, Double>> scores = new LinkedHashMap<>();
          for (ScoredSample s : batch) {
            scores.put(s.idx(), resultColumns(s, weights, calibration));
          }
          if (results != null) {
            results.writeBatch(batch, weights, s -> scores.get(s.idx()));
          }
          collected.addAll(batch);
          extras.putAll(scores);
        }, progress);
      }
      // one rule for "every sample dropped" and "every sample invalid": no score is an error
      if (results != null) {
        if (results.samplesOnDisk() == 0) {
          throw new InvalidInputException(summary.noScoreReason());
        }
        results.finish();
      }
      if (summary.noScore()) {
        throw new InvalidInputException(summary.noScoreReason() + (results != null
            ? " (written as invalid to " + results.outputFile() + ")" : ""));
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
    Map<Long, String> outputs = new LinkedHashMap<>();
    for (ScoredSample s : collected) {
      s.generatedIds().ifPresent(ids -> outputs.put(s.idx(), judge.model().tokenizer().decode(ids, true)));
    }
    return new Outcome(collected, outputs, extras, summary, weights, false, 0);
  }

  /**
   * The scores a sample's results object carries beside the reference's fields: every
   * {@link ScoredSample#resultColumns} score and, with a calibration, the calibrated columns.
   */
  private static Map<String, Double> resultColumns(ScoredSample s, LayerWeights w,
      Calibration calibration) {
    Map<String, Double> scores = new LinkedHashMap<>(s.resultColumns(w));
    if (calibration != null) {
      scores.putAll(calibration.calibratedColumns(s, w));
    }
    return scores;
  }

  /** {@code --calibration}: the maps; null without the option. */
  private static Calibration calibration(ScoringOptions o, LayerWeights weights, PrintWriter log) {
    if (o.calibration == null) {
      return null;
    }
    Calibration c = CalibrationJson.read(o.calibration);
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
  static RunManifest manifest(Map<String, String> modelFingerprint, Path data, ScoringOptions o,
      JudgeOptions options, String backend) {
    PipelineOptions p = options.pipeline();
    Map<String, String> f = new LinkedHashMap<>();
    f.put("format", "2");
    f.put("lager_version", LagerCli.version());
    f.putAll(modelFingerprint);
    f.put("data_sha256", RunManifest.sha256(data));
    f.put("condition", p.condition().name().toLowerCase(Locale.ROOT));
    f.put("labels", JsonStrings.array(options.labels().labels()));
    f.put("label_values", JsonStrings.numbers(options.labels().values()));
    f.put("template", options.template().map(t -> t.builtIn().isPresent() ? t.name() : "file")
        .orElse("none"));
    f.put("template_sha256", options.template().map(t -> t.sha256()).orElse("none"));
    f.put("anchor", options.anchor().map(a -> new com.google.gson.JsonPrimitive(a).toString())
        .orElse("none"));
    f.put("pairwise", Boolean.toString(options.pairwise()));
    f.put("max_new_tokens", Integer.toString(p.maxNewTokens()));
    f.put("max_length", Integer.toString(p.maxLength()));
    f.put("batch_size", Integer.toString(p.batchSize()));
    f.put("stop_at_first_score", Boolean.toString(options.stopAtFirstScore()));
    f.put("backend", backend);
    f.put("device", options.device().name().toLowerCase(Locale.ROOT));
    // as the provider options hold it: lower case, so --dtype BFloat16 resumes a bfloat16 run
    f.put("dtype", options.providerOptions().dtype().orElse("default"));
    f.put("special_tokens", Boolean.toString(options.addSpecialTokens()));
    f.put("logit_lens", Boolean.toString(p.lens() == Projection.Lens.FINAL_NORM));
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
