package io.github.lager.hf.run;

import com.google.gson.JsonArray;
import com.google.gson.JsonPrimitive;
import io.github.lager.core.InvalidInputException;
import io.github.lager.core.LagerVersion;
import io.github.lager.core.calibration.Calibration;
import io.github.lager.core.calibration.CalibrationJson;
import io.github.lager.core.io.FileErrors;
import io.github.lager.core.io.IncrementalResults;
import io.github.lager.core.io.JudgeSamplesJsonl;
import io.github.lager.core.io.LayerWeightsJson;
import io.github.lager.core.io.OutputFile;
import io.github.lager.core.io.OutputLock;
import io.github.lager.core.io.RunManifest;
import io.github.lager.core.io.ScoredSample;
import io.github.lager.core.io.Sha256;
import io.github.lager.core.math.LayerWeights;
import io.github.lager.core.math.Projection;
import io.github.lager.core.math.ScoreMethod;
import io.github.lager.core.pipeline.BatchPlan;
import io.github.lager.core.pipeline.Condition;
import io.github.lager.core.pipeline.JudgePipeline;
import io.github.lager.core.pipeline.PipelineOptions;
import io.github.lager.core.pipeline.ScoringSummary;
import io.github.lager.hf.Judge;
import io.github.lager.hf.JudgeOptions;
import io.github.lager.hf.architecture.ModelConfig;
import io.github.lager.hf.backend.Backends;
import io.github.lager.hf.backend.HiddenStateProviderFactory;
import io.github.lager.hf.model.ModelDirectory;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A scoring run: a JSON Lines file of judge prompts in, a results file out (or the results in
 * memory), what {@code lager score} and {@code lager judge} do, callable from Java.
 *
 * <pre>{@code
 * ScoringRun.Result r = ScoringRun.builder(Path.of("model"), Path.of("prompts.jsonl"))
 *     .out(Path.of("results.json"), IncrementalResults.Mode.RESUME).run();
 * }</pre>
 *
 * <p>The model directory is opened once ({@link ModelDirectory#open}): its fingerprint heads the
 * run's {@link RunManifest} and the same parsed model goes to {@link Judge#open(ModelDirectory,
 * HiddenStateProviderFactory, JudgeOptions)}; the backend is selected once and the
 * {@link JudgeOptions} built once. With an output file, everything that can refuse the run does
 * so before the model loads (an output in use by another run, an existing output or partial file
 * without {@link IncrementalResults.Mode#RESUME}/{@link IncrementalResults.Mode#OVERWRITE}, a
 * resumed run whose manifest differs); each batch is on disk before the progress counts it
 * ({@link IncrementalResults}), and SIGINT or SIGTERM lets the write in progress finish and logs
 * how many samples are kept. A run resumed from Java or from {@code lager score --resume} is the
 * same run: the same manifest, the same bytes.
 */
public final class ScoringRun {
  /** The files of a model directory an output must never replace (beside its *.safetensors). */
  private static final String[] MODEL_FILES = {"config.json", "generation_config.json",
      "tokenizer.json", "tokenizer_config.json", "chat_template.jinja",
      "model.safetensors.index.json"};

  /**
   * What a run produced.
   *
   * @param samples this run's samples, in order of idx (empty when {@code alreadyComplete} or
   *     when not kept: {@link Builder#keepSamples})
   * @param outputs each sample's generated text, decoded (for display)
   * @param summary null when {@code alreadyComplete}
   * @param weights the layer weights scored with (null without)
   * @param skipped the unusable input lines left out, one line each (file, line, reason)
   * @param alreadyComplete a resumed run found the output finished with the same manifest
   * @param completeSamples the sample count of that finished output
   * @param out the results file (null: in memory only)
   */
  public record Result(List<ScoredSample> samples, Map<Long, String> outputs,
      ScoringSummary summary, LayerWeights weights, List<String> skipped, boolean alreadyComplete,
      int completeSamples, Path out) {}

  /** Where a run reports its progress: created once the samples to score are known. */
  public interface ProgressFactory {
    /**
     * The progress of scoring {@code toScore} samples, {@code onDisk} more being kept from the
     * run it resumes (0 for a new run); closed at the end of the run when it is
     * {@link AutoCloseable}.
     */
    JudgePipeline.Progress start(int toScore, int onDisk);
  }

  private final Path modelDir;
  private final Path data;
  private final JudgeOptions.Builder options;
  private final Path weightsFile;
  private final Path calibrationFile;
  private final Path out;
  private final IncrementalResults.Mode mode;
  private final String command;
  private final PrintWriter log;
  /** The setup lines (the judge, the template's note, resuming): {@link #log}, or nowhere. */
  private final PrintWriter info;
  private final ProgressFactory progress;
  private final boolean keepSamples;

  private ScoringRun(Builder b) {
    this.modelDir = b.modelDir;
    this.data = b.data;
    this.options = b.options;
    this.weightsFile = b.weights;
    this.calibrationFile = b.calibration;
    this.out = b.out;
    this.mode = b.mode;
    this.command = b.command;
    this.log = b.log != null ? b.log
        : new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
    this.info = b.quiet ? new PrintWriter(Writer.nullWriter()) : this.log;
    this.progress = b.progress;
    this.keepSamples = b.keepSamples || b.out == null;
  }

  /** A run of the judge in {@code modelDir} over the judge prompts of {@code data}. */
  public static Builder builder(Path modelDir, Path data) {
    return new Builder(modelDir, data);
  }

  /** Runs: reads, checks, opens the model once, scores, writes. */
  public Result run() {
    if (out != null) {
      checkOutputs();
    }
    if (weightsFile != null) {
      options.weights(LayerWeightsJson.read(weightsFile));
    }
    JudgeOptions judgeOptions = options.build(); // the only build: checked once
    JudgeSamplesJsonl.Contents input = JudgeSamplesJsonl.read(data,
        judgeOptions.pipeline().failFast(), judgeOptions.template().isPresent());
    for (String problem : input.problems()) {
      log.println("skipped " + problem);
    }
    LayerWeights weights = judgeOptions.weights().orElse(null);
    Calibration calibration = calibration(weights);
    if (calibration != null) {
      // the label set is known from the options: refused before the model loads
      calibration.checkLabels(judgeOptions.labelSet(), calibrationFile.toString());
    }
    HiddenStateProviderFactory backend = Backends.select(judgeOptions.backend().orElse(null));
    ModelDirectory model = ModelDirectory.open(modelDir);
    IncrementalResults results = null;
    try {
      if (out != null) {
        Map<String, String> fingerprint = new LinkedHashMap<>(model.fingerprint());
        fingerprint.putAll(backend.fingerprint(model, judgeOptions.providerOptions()));
        RunManifest manifest = manifest(fingerprint, judgeOptions, backend.name());
        results = IncrementalResults.open(out, manifest, mode, command);
        if (results.alreadyComplete()) {
          model.close();
          return new Result(List.of(), Map.of(), null, weights, input.problems(), true,
              results.completeSamples(), out);
        }
        results.requireEarlierResolved();
      }
    } catch (RuntimeException | Error e) {
      if (results != null) {
        results.close(); // releases the lock; the partial file is left as it was
      }
      model.close();
      throw e;
    }
    try {
      try (Judge judge = Judge.open(model, backend, judgeOptions)) {
        if (results != null) {
          Map<String, String> resolved = new LinkedHashMap<>();
          resolved.put("device", judge.provider().device());
          resolved.put("dtype", judge.provider().dtype());
          results.recordResolved(resolved);
        }
        Result r = score(judge, input, results, calibration);
        results = null; // finished
        return r;
      }
    } finally {
      if (results != null) {
        results.close();
      }
    }
  }

  private Result score(Judge judge, JudgeSamplesJsonl.Contents input, IncrementalResults results,
      Calibration calibration) {
    LayerWeights weights = judge.weights().orElse(null);
    if (calibration != null) {
      calibration.checkLabels(judge.labelSet(), calibrationFile.toString());
    }
    info.println(describe(judge));
    JudgeOptions jo = judge.options();
    jo.template().flatMap(t -> t.builtIn()).ifPresent(b -> {
      if (jo.pipeline().condition() == Condition.REASONING && jo.anchor().isEmpty()) {
        info.println("note: the " + b.name() + " template asks the judge to write \"" + b.anchor()
            + "\" before its score; --anchor \"" + b.anchor() + "\" reads the score there (without"
            + " it, the last label token of the output is the score)");
      }
    });
    List<ScoredSample> collected = new ArrayList<>();
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
      BatchPlan plan = judge.plan(input.samples());
      Set<Long> onDisk = Set.of();
      if (results != null && results.samplesOnDisk() > 0) {
        onDisk = plan.complete(results.onDisk());
        results.keepOnly(onDisk);
        info.printf("resuming %s: %d samples on disk, %d to score%n", results.partialFile(),
            onDisk.size(), plan.runnable() - onDisk.size());
      }
      JudgePipeline.Progress p = progress.start(plan.runnable() - onDisk.size(), onDisk.size());
      try {
        summary = judge.score(plan, onDisk, batch -> {
          if (results != null) {
            results.writeBatch(batch, weights, s -> resultColumns(s, weights, calibration));
          }
          if (keepSamples) {
            collected.addAll(batch);
          }
        }, p);
      } finally {
        if (p instanceof AutoCloseable c) {
          try {
            c.close();
          } catch (Exception e) {
            throw new IllegalStateException("closing the progress failed", e);
          }
        }
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
      s.generatedIds().ifPresent(ids -> outputs.put(s.idx(),
          judge.model().tokenizer().decode(ids, true)));
    }
    return new Result(collected, outputs, summary, weights, input.problems(), false, 0, out);
  }

  /**
   * Refuses, before anything is read, an output (the results, their partial file, manifest and
   * lock) that is one of the run's inputs (the data, the weights, the calibration, the model's
   * files) by file identity, and two outputs that are the same file
   * ({@link OutputFile#refuseOverlap}); whether an existing output may be replaced or resumed, and
   * whether it can be written, is {@link IncrementalResults}'s rule.
   */
  private void checkOutputs() {
    Map<String, Path> inputs = new LinkedHashMap<>();
    inputs.put("--data", data);
    inputs.put("--weights", weightsFile);
    inputs.put("--calibration", calibrationFile);
    inputs.putAll(modelInputs(modelDir));
    Map<String, Path> outputs = new LinkedHashMap<>();
    outputs.put("--out", out);
    outputs.put("--out (its partial file)", IncrementalResults.partialOf(out));
    outputs.put("--out (its manifest)", IncrementalResults.manifestOf(out));
    outputs.put("--out (its lock)", OutputLock.lockFileOf(out));
    OutputFile.refuseOverlap(inputs, outputs);
  }

  /**
   * The files of a model directory an output must never replace, as inputs named
   * {@code --model (config.json)} and so on (none when {@code modelDir} is not a directory).
   */
  private static Map<String, Path> modelInputs(Path modelDir) {
    Map<String, Path> inputs = new LinkedHashMap<>();
    if (modelDir == null || !Files.isDirectory(modelDir)) {
      return inputs;
    }
    for (String f : MODEL_FILES) {
      inputs.put("--model (" + f + ")", modelDir.resolve(f));
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(modelDir, "*.safetensors")) {
      s.forEach(p -> inputs.put("--model (" + p.getFileName() + ")", p));
    } catch (IOException e) {
      throw FileErrors.reading(modelDir, e);
    }
    return inputs;
  }

  /** The line a run logs once the judge is open: model, backend, condition, labels, template. */
  static String describe(Judge judge) {
    ModelConfig config = judge.config();
    JudgeOptions jo = judge.options();
    PipelineOptions p = jo.pipeline();
    return String.format(Locale.ROOT, "judge: %s (%s, %d layers, hidden %d), backend %s, %s"
        + " condition, %d new tokens, batch %d, labels %s%s, %s%s%s", judge.model().dir(),
        config.modelType(), config.numHiddenLayers(), config.hiddenSize(), judge.backend(),
        p.condition().name().toLowerCase(Locale.ROOT), p.maxNewTokens(), p.batchSize(),
        judge.labelSet().describe(), jo.labelsGiven() ? ""
            : jo.template().isPresent() ? " (the template's)" : " (default)",
        jo.template().map(t -> "template " + t.name()).orElse("rendered prompts"),
        jo.anchor().map(a -> ", score after \"" + a + "\"").orElse(""),
        jo.pairwise() ? ", pairwise: both orders" : "");
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

  /** The calibration file's maps; null without one. */
  private Calibration calibration(LayerWeights weights) {
    if (calibrationFile == null) {
      return null;
    }
    Calibration c = CalibrationJson.read(calibrationFile);
    if (weights == null && c.maps().keySet().stream().anyMatch(ScoreMethod::isTuned)) {
      log.println(calibrationFile + " calibrates lager_w, but without --weights there is no"
          + " lager_w to calibrate");
    }
    return c;
  }

  /**
   * What the results depend on: lager's version, the model's fingerprint, the data file, and every
   * option that changes a number (batch composition changes float rounding, so the batch size is
   * one).
   */
  private RunManifest manifest(Map<String, String> modelFingerprint, JudgeOptions options,
      String backend) {
    PipelineOptions p = options.pipeline();
    Map<String, String> f = new LinkedHashMap<>();
    f.put("format", "2");
    f.put("lager_version", LagerVersion.current());
    f.putAll(modelFingerprint);
    f.put("data_sha256", Sha256.of(data));
    f.put("condition", p.condition().name().toLowerCase(Locale.ROOT));
    JsonArray labels = new JsonArray();
    options.labelSet().labels().forEach(labels::add);
    f.put("labels", labels.toString());
    JsonArray values = new JsonArray();
    for (double v : options.labelSet().values()) {
      values.add(v);
    }
    f.put("label_values", values.toString());
    f.put("template", options.template().map(t -> t.builtIn().isPresent() ? t.name() : "file")
        .orElse("none"));
    f.put("template_sha256", options.template().map(t -> t.sha256()).orElse("none"));
    f.put("anchor", options.anchor().map(a -> new JsonPrimitive(a).toString()).orElse("none"));
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
    f.put("weights_sha256", weightsFile != null ? Sha256.of(weightsFile) : "none");
    f.put("calibration_sha256", calibrationFile != null ? Sha256.of(calibrationFile) : "none");
    return new RunManifest(f);
  }

  /** Builds a {@link ScoringRun}; every setting starts at {@code lager score}'s default. */
  public static final class Builder {
    private final Path modelDir;
    private final Path data;
    private JudgeOptions.Builder options = JudgeOptions.builder();
    private Path weights;
    private Path calibration;
    private Path out;
    private IncrementalResults.Mode mode = IncrementalResults.Mode.NEW;
    private String command = "lager score";
    private PrintWriter log;
    private ProgressFactory progress = (toScore, onDisk) -> (done, total, tokens) -> { };
    private boolean keepSamples = true;
    private boolean quiet;

    private Builder(Path modelDir, Path data) {
      this.modelDir = Objects.requireNonNull(modelDir, "modelDir");
      this.data = Objects.requireNonNull(data, "data");
    }

    /**
     * How the judge runs, built by the run (once, with the weights of {@link #weights}); the
     * default is {@link JudgeOptions#defaults()}.
     */
    public Builder options(JudgeOptions.Builder o) {
      this.options = Objects.requireNonNull(o, "options");
      return this;
    }

    /** How the judge runs (without layer weights: give those with {@link #weights}). */
    public Builder options(JudgeOptions o) {
      return options(o.toBuilder());
    }

    /** Layer weights ({@code lager tune}): adds {@code lager_w}; hashed into the manifest. */
    public Builder weights(Path file) {
      this.weights = file;
      return this;
    }

    /** Calibration maps ({@code lager calibrate}): adds {@code <score>_calibrated}. */
    public Builder calibration(Path file) {
      this.calibration = file;
      return this;
    }

    /** Write the results to {@code file}, batch by batch; null: keep them in memory only. */
    public Builder out(Path file, IncrementalResults.Mode m) {
      this.out = file;
      this.mode = Objects.requireNonNull(m, "mode");
      return this;
    }

    /** What runs, for the lock's message to a second run and the interrupt line. */
    public Builder command(String name) {
      this.command = Objects.requireNonNull(name, "command");
      return this;
    }

    /** Where the run reports (skipped lines, the judge, resuming, interrupted); default stderr. */
    public Builder log(PrintWriter w) {
      this.log = w;
      return this;
    }

    /**
     * Whether the setup lines (the judge, the template's note, resuming) are left out of the log
     * ({@code --quiet}); skipped lines, warnings and the interrupt line are always logged.
     */
    public Builder quiet(boolean q) {
      this.quiet = q;
      return this;
    }

    /** Where scoring progress goes; default nowhere. */
    public Builder progress(ProgressFactory p) {
      this.progress = Objects.requireNonNull(p, "progress");
      return this;
    }

    /**
     * Whether {@link Result#samples()} holds the scored samples when they are written to a file
     * (default true; false keeps memory flat on long runs). Without a file they are always kept.
     */
    public Builder keepSamples(boolean keep) {
      this.keepSamples = keep;
      return this;
    }

    public ScoringRun build() {
      return new ScoringRun(this);
    }

    /** {@code build().run()}. */
    public Result run() {
      return build().run();
    }
  }
}
