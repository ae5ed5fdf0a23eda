package io.github.lager.springai;

import com.google.gson.JsonElement;
import com.google.gson.JsonPrimitive;
import io.github.lager.core.InvalidInputException;
import io.github.lager.core.calibration.Calibration;
import io.github.lager.core.io.JudgeSample;
import io.github.lager.core.io.ScoredSample;
import io.github.lager.core.math.LabelSet;
import io.github.lager.core.math.LayerWeights;
import io.github.lager.core.math.ScoreMethod;
import io.github.lager.hf.BatchingJudge;
import io.github.lager.hf.Judge;
import io.github.lager.hf.JudgeBuilderOptions;
import io.github.lager.hf.JudgeOptions;
import io.github.lager.hf.model.HfTokenizer;
import io.github.lager.hf.template.JinjaPromptTemplate;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.springframework.ai.evaluation.EvaluationRequest;
import org.springframework.ai.evaluation.EvaluationResponse;
import org.springframework.ai.evaluation.Evaluator;

/**
 * A Spring AI {@link Evaluator} whose score is LAGER's: the judge model runs in this JVM
 * (lager-hf, a backend such as lager-backend-djl on the class path) and the score is the expected
 * label value under the distribution read from the judge's hidden states (LAGER without tuning by
 * default), not a number parsed from its text.
 *
 * <pre>{@code
 * try (LagerEvaluator evaluator = LagerEvaluator.builder()
 *     .modelDirectory(Path.of("/models/Qwen2.5-7B-Instruct")).threshold(3.5).build()) {
 *   EvaluationResponse r = evaluator.evaluate(new EvaluationRequest("What is 2+2?", "4"));
 *   boolean ok = r.isPass();   // LAGER's expected score (1..5) >= 3.5
 * }
 * }</pre>
 *
 * <ul>
 *   <li><b>Prompt</b>: lager's built-in {@code absolute} template (or {@link Builder#template})
 *       with the fields {@code instruction} (the request's user text, then its supporting
 *       documents after a "Context:" line), {@code response} (the response content),
 *       {@code rubric} ({@link Builder#rubric}) and {@code context} (the documents alone).
 *   <li><b>score</b>: the {@link Builder#scoreMethod} score (default {@code lager_wo}) on the
 *       label set (default 1-5), as a float; <b>pass</b>: score &gt;= {@link Builder#threshold}.
 *   <li><b>feedback</b>: the text the judge generated (special tokens left out).
 *   <li><b>metadata</b>: {@code valid}, {@code score_method}, {@code weights} (provenance),
 *       {@code distribution} (label to probability), {@code scores} (every score lager computes,
 *       by key), {@code calibrated} (with {@link Builder#calibration}), {@code prompt} and
 *       {@code final_label_mass} (the probability mass the final layer put on the labels at the
 *       score step, a validity signal; absent when the backend cannot tell).
 * </ul>
 *
 * <p>When the judge generates no label, the response does not pass, its score is
 * {@link Float#NaN} and {@code metadata.valid} is false: no score is made up.
 *
 * <p>Calls from many threads share the judge's batches ({@link BatchingJudge}): the prompt is
 * rendered in the caller's thread, the judge's worker runs it with other callers' prompts, and
 * {@code evaluate} builds the response in the caller's thread; {@link #evaluateAsync} returns a
 * future at once.
 */
public final class LagerEvaluator implements Evaluator, AutoCloseable {
  /** The rubric used unless {@link Builder#rubric} gives one. */
  public static final String DEFAULT_RUBRIC = "Is the response correct, helpful and faithful to"
      + " the instruction and its context?\nScore 1: wrong, unhelpful or unfaithful.\nScore 2:"
      + " mostly wrong or unhelpful.\nScore 3: partly right.\nScore 4: right with minor"
      + " problems.\nScore 5: fully correct, helpful and faithful.";

  private final Path modelDirectory;
  private final JudgeOptions options;
  private final JinjaPromptTemplate template;
  private final Executor responseExecutor;
  private final ScoreMethod scoreMethod;
  private final double threshold;
  private final String rubric;
  private final Calibration calibration;
  private final HfTokenizer tokenizer;
  private final BatchingJudge judge;

  private LagerEvaluator(Builder b) {
    this.modelDirectory = b.modelDirectory();
    JudgeOptions.Builder o = b.judgeOptions();
    if (b.labelSet != null) {
      o.labelSet(b.labelSet);
    }
    // prompts are rendered in the callers' threads; the judge's worker runs them
    this.template = b.template != null ? b.template : JinjaPromptTemplate.builtIn("absolute");
    this.options = o.template(null).pairwise(false).build();
    template.bind(options.labelSet()); // refuses a label set the template cannot use
    this.scoreMethod = b.scoreMethod(options);
    if (b.threshold == null) {
      throw new IllegalArgumentException("threshold is required: a response passes when its"
          + " score >= threshold (on the label values " + options.labelSet().describe() + ")");
    }
    this.threshold = b.threshold;
    this.rubric = b.rubric;
    this.responseExecutor = b.responseExecutor();
    this.calibration = b.calibration;
    if (calibration != null) {
      calibration.checkLabels(options.labelSet(), "the calibration");
    }
    this.tokenizer = HfTokenizer.open(modelDirectory);
    try {
      this.judge = BatchingJudge.of(Judge.open(modelDirectory, options),
          b.batching(options));
    } catch (RuntimeException | Error e) {
      tokenizer.close();
      throw e;
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Scores the request (in a batch with other callers') and builds the response here. */
  @Override
  public EvaluationResponse evaluate(EvaluationRequest request) {
    try {
      return respond(judge.submit(prompt(request)).join());
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw e;
    }
  }

  /**
   * Queues the request with other callers' (one batch of the judge) and returns at once; the
   * response is built on {@link Builder#responseExecutor} (default the common pool).
   */
  public CompletableFuture<EvaluationResponse> evaluateAsync(EvaluationRequest request) {
    CompletableFuture<ScoredSample> scored = judge.submit(prompt(request));
    CompletableFuture<EvaluationResponse> out = scored.thenApplyAsync(this::respond,
        responseExecutor);
    out.whenComplete((r, e) -> {
      if (out.isCancelled()) {
        scored.cancel(false);
      }
    });
    return out;
  }

  /** The rendered judge prompt of {@code request}, as the judge runs it. */
  private JudgeSample prompt(EvaluationRequest request) {
    String prompt;
    try {
      prompt = template.render(sample(request), options.pipeline().condition(), options.labelSet());
    } catch (InvalidInputException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    return new JudgeSample(0, Optional.of(prompt), Optional.of(prompt), Optional.empty(),
        Map.of());
  }

  /** The template's fields of {@code request}. */
  JudgeSample sample(EvaluationRequest request) {
    Objects.requireNonNull(request, "request");
    String context = doGetSupportingData(request);
    String user = Objects.requireNonNullElse(request.getUserText(), "");
    Map<String, JsonElement> fields = new LinkedHashMap<>();
    fields.put("instruction", new JsonPrimitive(context.isEmpty() ? user
        : user + "\n\nContext:\n" + context));
    fields.put("response", new JsonPrimitive(
        Objects.requireNonNull(request.getResponseContent(), "responseContent")));
    fields.put("rubric", new JsonPrimitive(rubric));
    fields.put("context", new JsonPrimitive(context));
    return new JudgeSample(0, Optional.empty(), Optional.empty(), Optional.empty(), fields);
  }

  private EvaluationResponse respond(ScoredSample r) {
    LayerWeights w = options.weights().orElse(null);
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("valid", r.isValid());
    metadata.put("score_method", scoreMethod.key());
    metadata.put("weights", weightsProvenance());
    metadata.put("prompt", r.prompt().orElse(""));
    String feedback = r.generatedIds().map(ids -> {
      synchronized (tokenizer) {
        return tokenizer.decode(ids, true);
      }
    }).orElse("");
    if (!r.isValid()) {
      metadata.put("reason", "the judge generated no label of " + options.labelSet().describe()
          + ": no score");
      return new EvaluationResponse(false, Float.NaN, feedback,
          Collections.unmodifiableMap(metadata));
    }
    r.finalLabelMass().ifPresent(m -> metadata.put("final_label_mass", m));
    LabelSet labels = options.labelSet();
    double[] p = scoreMethod.distribution(r.logits().orElseThrow(), w);
    Map<String, Double> distribution = new LinkedHashMap<>();
    for (int k = 0; k < p.length; k++) {
      distribution.put(labels.label(k), p[k]);
    }
    Map<String, Double> scores = new LinkedHashMap<>();
    r.scores(w).forEach((m, v) -> scores.put(m.key(), v));
    metadata.put("distribution", Collections.unmodifiableMap(distribution));
    metadata.put("scores", Collections.unmodifiableMap(scores));
    if (calibration != null) {
      metadata.put("calibrated", Collections.unmodifiableMap(
          calibration.calibratedColumns(r, w)));
    }
    double score = r.score(scoreMethod, w);
    return new EvaluationResponse(score >= threshold, (float) score, feedback,
        Collections.unmodifiableMap(metadata));
  }

  private String weightsProvenance() {
    if (!scoreMethod.isTuned()) {
      return "uniform (" + scoreMethod.key() + ": no tuned weights)";
    }
    LayerWeights w = options.weights().orElseThrow();
    return w.provenance().map(pv -> "tuned: variant " + pv.variant() + " on " + pv.trainingData()
        + " (sha256 " + pv.trainingDataSha256() + ", " + pv.trainingSamples() + " samples, seed "
        + pv.seed() + ", lager " + pv.lagerVersion() + ")")
        .orElse("tuned (no provenance recorded)");
  }

  /** The judge's options (label set, template, backend, ...). */
  public JudgeOptions judgeOptions() {
    return options;
  }

  public double threshold() {
    return threshold;
  }

  public Path modelDirectory() {
    return modelDirectory;
  }

  /** Runs what is queued (no future is left pending), then closes the judge. */
  @Override
  public void close() {
    try {
      judge.close();
    } finally {
      synchronized (tokenizer) {
        tokenizer.close();
      }
    }
  }

  /** Builds a {@link LagerEvaluator}; the model directory and the threshold are required. */
  public static final class Builder extends JudgeBuilderOptions<Builder> {
    private LabelSet labelSet;
    private JinjaPromptTemplate template;
    private Double threshold;
    private String rubric = DEFAULT_RUBRIC;
    private Calibration calibration;

    private Builder() {}

    @Override
    protected Builder self() {
      return this;
    }

    /** The label set (each one token) with its values; default 1-5. */
    public Builder labelSet(LabelSet s) {
      this.labelSet = s;
      return this;
    }

    /** The prompt template; default lager's built-in {@code absolute}. */
    public Builder template(JinjaPromptTemplate t) {
      this.template = t;
      return this;
    }

    /** A response passes when its score is at least this (on the label values). */
    public Builder threshold(double t) {
      if (!Double.isFinite(t)) {
        throw new IllegalArgumentException("threshold must be a finite number, got " + t);
      }
      this.threshold = t;
      return this;
    }

    /** The rubric the template shows the judge; default {@link #DEFAULT_RUBRIC}. */
    public Builder rubric(String r) {
      this.rubric = Objects.requireNonNull(r, "rubric");
      return this;
    }

    /** A calibration saved by {@code lager calibrate}: calibrated scores in the metadata. */
    public Builder calibration(Calibration c) {
      this.calibration = c;
      return this;
    }

    public LagerEvaluator build() {
      try {
        return new LagerEvaluator(this);
      } catch (InvalidInputException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    }
  }
}
