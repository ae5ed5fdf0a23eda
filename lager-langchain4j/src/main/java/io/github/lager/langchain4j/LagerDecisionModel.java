package io.github.lager.langchain4j;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.langchain4j.model.decision.DecisionModel;
import dev.langchain4j.model.decision.listener.DecisionModelListener;
import dev.langchain4j.model.decision.request.ChoiceQuestion;
import dev.langchain4j.model.decision.request.DecisionInput;
import dev.langchain4j.model.decision.request.DecisionRequest;
import dev.langchain4j.model.decision.request.FieldsInput;
import dev.langchain4j.model.decision.request.Question;
import dev.langchain4j.model.decision.request.ScaleQuestion;
import dev.langchain4j.model.decision.request.TextInput;
import dev.langchain4j.model.decision.request.YesNoQuestion;
import dev.langchain4j.model.decision.response.ChoiceAnswer;
import dev.langchain4j.model.decision.response.DecisionAnswer;
import dev.langchain4j.model.decision.response.DecisionResponse;
import dev.langchain4j.model.decision.response.RefusalAnswer;
import dev.langchain4j.model.decision.response.ScaleAnswer;
import dev.langchain4j.model.decision.response.YesNoAnswer;
import io.github.lager.core.InvalidInputException;
import io.github.lager.core.LagerException;
import io.github.lager.core.io.JudgeSample;
import io.github.lager.core.io.ScoredSample;
import io.github.lager.core.math.LabelSet;
import io.github.lager.core.math.LayerWeights;
import io.github.lager.core.math.PairwiseScore;
import io.github.lager.core.math.ScoreMethod;
import io.github.lager.hf.BatchingJudge;
import io.github.lager.hf.Judge;
import io.github.lager.hf.JudgeBuilderOptions;
import io.github.lager.hf.JudgeOptions;
import io.github.lager.hf.model.HfTokenizer;
import io.github.lager.hf.template.JinjaPromptTemplate;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * A LangChain4j {@link DecisionModel} whose probabilities are LAGER's: the judge model runs in
 * this JVM (lager-hf, a backend such as lager-backend-djl on the class path), and every answer's
 * distribution is read from the judge's hidden states at the label it generated, aggregated over
 * the layers (LAGER without tuning by default), not from the final layer's token probabilities or
 * a printed number.
 *
 * <pre>{@code
 * try (LagerDecisionModel model = LagerDecisionModel.builder()
 *     .modelDirectory(Path.of("/models/Qwen2.5-7B-Instruct")).build()) {
 *   DecisionResponse r = model.decide(DecisionRequest.builder().input("Q: 2+2? A: 4")
 *       .question("correct", ScaleQuestion.from("How correct is the answer?",
 *           List.of("1", "2", "3", "4", "5"))).build());
 *   double mean = r.scale("correct").mean();   // 0..4: LangChain4j's means are level indices
 * }
 * }</pre>
 *
 * <p><b>Questions.</b>
 * <ul>
 *   <li>{@link ScaleQuestion}: the levels are the label set (each must be one token of the judge's
 *       vocabulary; a level that is not is refused, naming it), valued by their index 0..K-1 as
 *       LangChain4j's {@code ScaleAnswer.mean} is; the probabilities are LAGER's distribution over
 *       the levels and the mean its expectation (= {@code lager_wo} on labels valued 0..K-1, = {@code
 *       lager_wo - 1} on the paper's 1-5). Prompt: {@code templates/scale.jinja} (fields
 *       {@code input}, {@code question}, {@code levels} as {@code {label, description}}).
 *   <li>{@link ChoiceQuestion}: the options are the labels; the answer is the distribution and its
 *       most likely option ({@code templates/choice.jinja}). With {@link Builder#positionSwap} (on
 *       by default), a choice on an input with the fields {@code response_a} and {@code response_b}
 *       is a pairwise comparison judged in both orders: its three options mean "A is better", "a
 *       tie", "B is better" (in that order), and the probabilities are lager's pairwise ones, the
 *       swapped order mapped back and averaged, exactly as {@code lager score --template pairwise
 *       --pairwise --labels OPTIONS --values 0,1,2} (the prompt is lager's built-in {@code pairwise}
 *       template unless {@link Builder#pairwiseTemplate} says otherwise).
 *   <li>{@link YesNoQuestion}: the labels {@code yes} and {@code no} (valued 1 and 0; see
 *       {@link Builder#yesNoLabels}); the probability of yes is LAGER's
 *       ({@code templates/yes-no.jinja}).
 * </ul>
 *
 * <p><b>Invalid judgments.</b> When the judge never generates one of a question's labels, that
 * question's answer is a {@link RefusalAnswer} and its {@link LagerAnswerMetadata#valid()} is
 * false: no distribution is made up. The metadata ({@link LagerDecisionMetadata}) also carries the
 * score method, the layer weights' provenance, the rendered prompt, the generated text and every
 * other score.
 *
 * <p><b>Batching.</b> Calls from many threads share the judge's batches ({@link BatchingJudge}:
 * a bounded queue, a maximum wait of a few milliseconds, a maximum batch size, blocking when
 * full); {@link #decideAsync} returns at once with a future. The questions of one request that
 * share a label set (pairwise choices: also a template) are submitted together and judged in one
 * batch. Cancelling a response's future drops its questions that have not run yet.
 *
 * <p><b>One model, any label sets.</b> The model is opened once, on first use, and kept until
 * {@link #close()}; each distinct label set (and each pairwise template) rebinds it
 * ({@link Judge#withPrompts}: the score head is the LM-head rows of that set's label tokens, read
 * once per set) with a batch queue of its own. Questions of different kinds on the same labels
 * share a queue and a batch; questions on different label sets run as separate batches, one
 * after the other on the one loaded model (a decoding batch stops on one label set's tokens).
 *
 * <p><b>Threads.</b> Prompts are rendered in the caller's thread and run by the judge's worker
 * ({@link BatchingJudge}); {@code decide} builds the answers in the caller's thread,
 * {@code decideAsync} on {@link Builder#responseExecutor}. A pairwise choice is rendered in both
 * orders by its judge.
 *
 * <p>Supported inputs: text ({@code DecisionRequest.builder().input(String)}, the field
 * {@code input}) and fields ({@code inputFields(Map)}: each field as a template field, and
 * {@code input} their "name: value" lines unless a field is called so). Messages and multimodal
 * contents are refused.
 */
public final class LagerDecisionModel implements DecisionModel, AutoCloseable {
  /** Template fields the adapter sets; an input field of one of these names is refused. */
  static final List<String> RESERVED_FIELDS = List.of("question", "levels", "options", "yes_when",
      "no_when");

  private static final Gson GSON = new Gson();

  private final Path modelDirectory;
  private final JudgeOptions judgeOptions;
  private final ScoreMethod scoreMethod;
  private final JinjaPromptTemplate scaleTemplate;
  private final JinjaPromptTemplate choiceTemplate;
  private final JinjaPromptTemplate yesNoTemplate;
  private final JinjaPromptTemplate pairwiseTemplate;
  private final boolean positionSwap;
  private final String yesLabel;
  private final String noLabel;
  private final BatchingJudge.Settings batching;
  private final List<DecisionModelListener> listeners;
  private final Executor responseExecutor;
  private final HfTokenizer tokenizer;
  /**
   * The judge model, opened once on first use (with the first question's options) and rebound
   * ({@link Judge#withPrompts}) for every label set and template: one loaded model per adapter.
   */
  private Judge loaded;
  private final Map<JudgeKey, BatchingJudge> judges = new ConcurrentHashMap<>();
  /** Whether a label is one token of the vocabulary, by label (looked up once). */
  private final Map<String, Boolean> singleTokens = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /**
   * What a judge is opened for: a label set, and for a pairwise judge (which renders both orders
   * itself) its template; other judges run prompts rendered by the adapter.
   */
  private record JudgeKey(LabelSet labelSet, JinjaPromptTemplate pairwiseTemplate) {
    boolean pairwise() {
      return pairwiseTemplate != null;
    }
  }

  /** How one question is judged. */
  private enum Kind { SCALE, CHOICE, PAIRWISE_CHOICE, YES_NO }

  /** One question ready to submit. */
  private record Planned(String name, Kind kind, JudgeKey key, JudgeSample sample) {}

  private LagerDecisionModel(Builder b) {
    this.modelDirectory = b.modelDirectory();
    this.judgeOptions = b.judgeOptions().labelSet(null).template(null).pairwise(false).build();
    this.scoreMethod = b.scoreMethod(judgeOptions);
    this.scaleTemplate = b.scaleTemplate != null ? b.scaleTemplate : bundled("scale");
    this.choiceTemplate = b.choiceTemplate != null ? b.choiceTemplate : bundled("choice");
    this.yesNoTemplate = b.yesNoTemplate != null ? b.yesNoTemplate : bundled("yes-no");
    this.pairwiseTemplate = b.pairwiseTemplate != null ? b.pairwiseTemplate
        : JinjaPromptTemplate.builtIn("pairwise");
    this.positionSwap = b.positionSwap;
    this.yesLabel = b.yesLabel;
    this.noLabel = b.noLabel;
    this.batching = b.batching(judgeOptions);
    this.listeners = List.copyOf(b.listeners);
    this.responseExecutor = b.responseExecutor();
    this.tokenizer = HfTokenizer.open(modelDirectory);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The template bundled with this module, {@code templates/NAME.jinja}. */
  static JinjaPromptTemplate bundled(String name) {
    String resource = "templates/" + name + ".jinja";
    try (InputStream in = LagerDecisionModel.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("lager-langchain4j's template " + resource + " is missing"
            + " from the class path");
      }
      return JinjaPromptTemplate.of("langchain4j-" + name,
          new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Judges the request's questions and waits for them; the answers are built in the caller's
   * thread.
   */
  @Override
  public DecisionResponse doDecide(DecisionRequest request) {
    List<Planned> plans = plan(request);
    Map<String, CompletableFuture<ScoredSample>> parts = submit(plans);
    try {
      parts.values().forEach(CompletableFuture::join);
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw e;
    }
    return respond(plans, parts);
  }

  /**
   * Queues the request's questions and returns at once; the answers are built on
   * {@link Builder#responseExecutor} (default the common pool), never on the judge's worker.
   * Cancelling the future drops the questions that have not run yet.
   */
  @Override
  public CompletableFuture<DecisionResponse> doDecideAsync(DecisionRequest request) {
    List<Planned> plans = plan(request);
    Map<String, CompletableFuture<ScoredSample>> parts = submit(plans);
    CompletableFuture<DecisionResponse> out = CompletableFuture
        .allOf(parts.values().toArray(CompletableFuture[]::new))
        .thenApplyAsync(v -> respond(plans, parts), responseExecutor);
    out.whenComplete((r, e) -> {
      if (out.isCancelled()) {
        parts.values().forEach(f -> f.cancel(false));
      }
    });
    return out;
  }

  /** Submits the questions, those of one judge together (one batch); futures by question. */
  private Map<String, CompletableFuture<ScoredSample>> submit(List<Planned> plans) {
    Map<JudgeKey, List<Planned>> byJudge = new LinkedHashMap<>();
    for (Planned p : plans) {
      byJudge.computeIfAbsent(p.key(), k -> new ArrayList<>()).add(p);
    }
    Map<String, CompletableFuture<ScoredSample>> parts = new LinkedHashMap<>();
    for (Map.Entry<JudgeKey, List<Planned>> e : byJudge.entrySet()) {
      List<CompletableFuture<ScoredSample>> fs = judge(e.getKey(), e.getValue().get(0).name())
          .submitAll(e.getValue().stream().map(Planned::sample).toList());
      for (int i = 0; i < fs.size(); i++) {
        parts.put(e.getValue().get(i).name(), fs.get(i));
      }
    }
    return parts;
  }

  /** Each question as a sample for its judge; fails naming the question on bad input. */
  private List<Planned> plan(DecisionRequest request) {
    Objects.requireNonNull(request, "request");
    if (closed) {
      throw new IllegalStateException("this LagerDecisionModel is closed");
    }
    Map<String, JsonElement> input = inputFields(request.input());
    boolean hasPair = input.containsKey(JudgeSample.RESPONSE_A)
        && input.containsKey(JudgeSample.RESPONSE_B);
    List<Planned> out = new ArrayList<>();
    long idx = 0;
    for (Map.Entry<String, Question> e : request.questions().entrySet()) {
      String name = e.getKey();
      Question q = e.getValue();
      Map<String, JsonElement> fields = new LinkedHashMap<>(input);
      fields.put("question", new JsonPrimitive(q.text()));
      Kind kind;
      LabelSet labels;
      JinjaPromptTemplate template;
      if (q instanceof ScaleQuestion s) {
        kind = Kind.SCALE;
        labels = indexed(name, "level", s.levels());
        fields.put("levels", described(s.levels(), s.levelDescriptions()));
        template = scaleTemplate;
      } else if (q instanceof ChoiceQuestion c) {
        List<String> options = List.copyOf(c.options().keySet());
        List<String> descriptions = options.stream().map(o -> c.options().get(o)).toList();
        if (positionSwap && hasPair) {
          if (options.size() != 3) {
            throw new IllegalArgumentException("question '" + name + "': a pairwise choice (the"
                + " input has " + JudgeSample.RESPONSE_A + " and " + JudgeSample.RESPONSE_B
                + ", position swap on) needs three options in this order: A is better, a tie, B"
                + " is better (lager's pairwise label set, valued 0, 1, 2); got " + options
                + "; or build the model with positionSwap(false)");
          }
          kind = Kind.PAIRWISE_CHOICE;
          template = pairwiseTemplate;
        } else {
          kind = Kind.CHOICE;
          template = choiceTemplate;
        }
        labels = indexed(name, "option", options);
        fields.put("options", described(options, descriptions));
      } else if (q instanceof YesNoQuestion y) {
        kind = Kind.YES_NO;
        checkSingleToken(name, "label", noLabel);
        checkSingleToken(name, "label", yesLabel);
        labels = LabelSet.of(List.of(noLabel, yesLabel), new double[] {0, 1});
        fields.put("yes_when", new JsonPrimitive(Objects.requireNonNullElse(y.yesWhen(), "")));
        fields.put("no_when", new JsonPrimitive(Objects.requireNonNullElse(y.noWhen(), "")));
        template = yesNoTemplate;
      } else {
        throw new IllegalArgumentException("question '" + name + "': a "
            + q.getClass().getSimpleName() + " is not supported (scale, choice and yes/no"
            + " questions are)");
      }
      JudgeSample sample = new JudgeSample(idx++, Optional.empty(), Optional.empty(),
          Optional.empty(), fields);
      if (kind == Kind.PAIRWISE_CHOICE) { // rendered in both orders by the judge
        out.add(new Planned(name, kind, new JudgeKey(labels, template), sample));
      } else { // rendered here, in the caller's thread, so that the judge's worker only runs it
        String prompt;
        try {
          prompt = template.render(sample, judgeOptions.pipeline().condition(), labels);
        } catch (InvalidInputException bad) {
          throw new IllegalArgumentException("question '" + name + "': " + bad.getMessage(), bad);
        }
        out.add(new Planned(name, kind, new JudgeKey(labels, null), new JudgeSample(
            sample.idx(), Optional.of(prompt), Optional.of(prompt), Optional.empty(), Map.of())));
      }
    }
    return out;
  }

  /** The labels valued by their index, each checked to be one token. */
  private LabelSet indexed(String question, String what, List<String> labels) {
    double[] values = new double[labels.size()];
    for (int i = 0; i < values.length; i++) {
      checkSingleToken(question, what, labels.get(i));
      values[i] = i;
    }
    try {
      return LabelSet.of(labels, values);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("question '" + question + "': " + e.getMessage(), e);
    }
  }

  private void checkSingleToken(String question, String what, String label) {
    boolean one = singleTokens.computeIfAbsent(label, l -> {
      synchronized (tokenizer) {
        return tokenizer.vocabId(l).isPresent();
      }
    });
    if (!one) {
      throw new IllegalArgumentException("question '" + question + "': the " + what + " \""
          + label + "\" is not one token of the judge's vocabulary (" + tokenizer.file()
          + "); LAGER reads the logits of the label tokens, so each " + what + " must be a single"
          + " token (digits and single letters usually are)");
    }
  }

  /** {@code [{label, description}, ...]} for a template. */
  private static JsonArray described(List<String> labels, List<String> descriptions) {
    JsonArray a = new JsonArray();
    for (int i = 0; i < labels.size(); i++) {
      JsonObject o = new JsonObject();
      o.addProperty("label", labels.get(i));
      String d = descriptions != null && i < descriptions.size() ? descriptions.get(i) : null;
      o.addProperty("description", d == null ? "" : d);
      a.add(o);
    }
    return a;
  }

  /** The request's input as template fields. */
  static Map<String, JsonElement> inputFields(DecisionInput input) {
    Map<String, JsonElement> out = new LinkedHashMap<>();
    if (input instanceof TextInput t) {
      out.put("input", new JsonPrimitive(t.text()));
      return out;
    }
    if (input instanceof FieldsInput f) {
      StringBuilder lines = new StringBuilder();
      for (Map.Entry<String, Object> e : f.fields().entrySet()) {
        String k = e.getKey();
        if (RESERVED_FIELDS.contains(k) || k.equals(JinjaPromptTemplate.JUDGE)
            || k.equals(JinjaPromptTemplate.HUMAN_SCORE)) {
          throw new IllegalArgumentException("input field '" + k + "' is reserved: the templates"
              + " use " + RESERVED_FIELDS + ", '" + JinjaPromptTemplate.JUDGE + "' (lager's"
              + " settings) and never see '" + JinjaPromptTemplate.HUMAN_SCORE + "'; rename it");
        }
        JsonElement v = e.getValue() == null ? com.google.gson.JsonNull.INSTANCE
            : GSON.toJsonTree(e.getValue());
        out.put(k, v);
        if (lines.length() > 0) {
          lines.append('\n');
        }
        lines.append(k).append(": ")
            .append(v.isJsonPrimitive() ? v.getAsString() : v.toString());
      }
      out.putIfAbsent("input", new JsonPrimitive(lines.toString()));
      return out;
    }
    throw new IllegalArgumentException("a " + input.type() + " input is not supported by"
        + " LagerDecisionModel; give the input as text (DecisionRequest.builder().input(String))"
        + " or fields (inputFields(Map))");
  }

  /** The batching judge of {@code key}, opened on first use. */
  private BatchingJudge judge(JudgeKey key, String question) {
    return judges.computeIfAbsent(key, k -> {
      if (closed) {
        throw new IllegalStateException("this LagerDecisionModel is closed");
      }
      JudgeOptions options;
      Judge judge;
      try {
        options = judgeOptions.toBuilder().labelSet(k.labelSet()).template(k.pairwiseTemplate())
            .pairwise(k.pairwise()).build();
        judge = rebind(options);
      } catch (InvalidInputException e) {
        throw new IllegalArgumentException("question '" + question + "': " + e.getMessage(), e);
      }
      return BatchingJudge.of(judge, batching);
    });
  }

  /** The loaded judge rebound to {@code options}; the model is opened on the first call only. */
  private synchronized Judge rebind(JudgeOptions options) {
    if (loaded == null) {
      loaded = Judge.open(modelDirectory, options);
    }
    return loaded.withPrompts(options);
  }

  private DecisionResponse respond(List<Planned> plans,
      Map<String, CompletableFuture<ScoredSample>> parts) {
    DecisionResponse.Builder response = DecisionResponse.builder();
    LagerDecisionMetadata.Builder metadata = LagerDecisionMetadata.lagerBuilder();
    metadata.modelName(modelName());
    for (Planned p : plans) {
      ScoredSample r = parts.get(p.name()).join();
      boolean valid = p.kind() == Kind.PAIRWISE_CHOICE ? r.isValidInBothOrders() : r.isValid();
      metadata.answer(p.name(), metadata(p, r, valid));
      response.answer(p.name(), valid ? answer(p, r) : RefusalAnswer.of());
    }
    return response.metadata(metadata.build()).build();
  }

  private DecisionAnswer answer(Planned p, ScoredSample r) {
    LayerWeights w = judgeOptions.weights().orElse(null);
    List<String> labels = p.key().labelSet().labels();
    if (p.kind() == Kind.PAIRWISE_CHOICE) {
      PairwiseScore.Probabilities m = r.pairwiseScores(w).get(scoreMethod).mean();
      double[] pr = {m.a(), m.tie(), m.b()};
      return choice(labels, pr);
    }
    double[] pr = scoreMethod.distribution(r.logits().orElseThrow(), w);
    return switch (p.kind()) {
      case SCALE -> {
        List<Double> ps = new ArrayList<>();
        double mean = 0;
        for (int i = 0; i < pr.length; i++) {
          ps.add(pr[i]);
          mean += i * pr[i];
        }
        yield ScaleAnswer.builder().probabilities(ps).mean(mean).build();
      }
      case CHOICE -> choice(labels, pr);
      case YES_NO -> YesNoAnswer.of(pr[1]);
      default -> throw new IllegalStateException(p.kind().toString());
    };
  }

  private static ChoiceAnswer choice(List<String> options, double[] pr) {
    Map<String, Double> ps = new LinkedHashMap<>();
    int best = 0;
    for (int i = 0; i < pr.length; i++) {
      ps.put(options.get(i), pr[i]);
      if (pr[i] > pr[best]) {
        best = i;
      }
    }
    return ChoiceAnswer.builder().value(options.get(best)).probabilities(ps).options(options)
        .build();
  }

  private LagerAnswerMetadata metadata(Planned p, ScoredSample r, boolean valid) {
    LayerWeights w = judgeOptions.weights().orElse(null);
    Map<String, Double> scores = new LinkedHashMap<>();
    if (valid) {
      r.scores(w).forEach((m, v) -> scores.put(m.key(), v));
    }
    String generated = r.generatedIds().map(ids -> {
      synchronized (tokenizer) {
        return tokenizer.decode(ids, true);
      }
    }).orElse("");
    return new LagerAnswerMetadata(valid, scoreMethod.key(), weightsProvenance(),
        p.kind() == Kind.PAIRWISE_CHOICE, r.prompt().orElse(""), generated, scores,
        valid ? r.finalLabelMass() : OptionalDouble.empty());
  }

  private String weightsProvenance() {
    if (!scoreMethod.isTuned()) {
      return "uniform (" + scoreMethod.key() + ": no tuned weights)";
    }
    LayerWeights w = judgeOptions.weights().orElseThrow();
    return w.provenance().map(pv -> "tuned: variant " + pv.variant() + " on " + pv.trainingData()
        + " (sha256 " + pv.trainingDataSha256() + ", " + pv.trainingSamples() + " samples, seed "
        + pv.seed() + ", lager " + pv.lagerVersion() + ")")
        .orElse("tuned (no provenance recorded)");
  }

  @Override
  public List<DecisionModelListener> listeners() {
    return listeners;
  }

  @Override
  public String modelName() {
    return modelDirectory.getFileName().toString();
  }

  /** The model directory the judges are opened from. */
  public Path modelDirectory() {
    return modelDirectory;
  }

  /** The judges' options (label set and template are set per question). */
  public JudgeOptions judgeOptions() {
    return judgeOptions;
  }

  /**
   * Closes every judge this model opened, after running what is queued (no future is left
   * pending); later requests fail.
   */
  @Override
  public void close() {
    closed = true;
    RuntimeException first = null;
    for (BatchingJudge j : judges.values()) {
      try {
        j.close();
      } catch (RuntimeException e) {
        first = first == null ? e : first;
      }
    }
    judges.clear();
    synchronized (this) {
      if (loaded != null) {
        try {
          loaded.close();
        } catch (RuntimeException e) {
          first = first == null ? e : first;
        }
        loaded = null;
      }
    }
    synchronized (tokenizer) {
      tokenizer.close();
    }
    if (first != null) {
      throw new LagerException("closing a judge failed: " + first.getMessage(), first);
    }
  }

  /** Builds a {@link LagerDecisionModel}; only the model directory is required. */
  public static final class Builder extends JudgeBuilderOptions<Builder> {
    private JinjaPromptTemplate scaleTemplate;
    private JinjaPromptTemplate choiceTemplate;
    private JinjaPromptTemplate yesNoTemplate;
    private JinjaPromptTemplate pairwiseTemplate;
    private boolean positionSwap = true;
    private String yesLabel = "yes";
    private String noLabel = "no";
    private final List<DecisionModelListener> listeners = new ArrayList<>();

    private Builder() {}

    @Override
    protected Builder self() {
      return this;
    }

    /** The prompt of scale questions (fields: input, question, levels[].label/description). */
    public Builder scaleTemplate(JinjaPromptTemplate t) {
      this.scaleTemplate = t;
      return this;
    }

    /** The prompt of choice questions (fields: input, question, options[].label/description). */
    public Builder choiceTemplate(JinjaPromptTemplate t) {
      this.choiceTemplate = t;
      return this;
    }

    /** The prompt of yes/no questions (fields: input, question, yes_when, no_when). */
    public Builder yesNoTemplate(JinjaPromptTemplate t) {
      this.yesNoTemplate = t;
      return this;
    }

    /** The prompt of pairwise choices; default lager's built-in {@code pairwise}. */
    public Builder pairwiseTemplate(JinjaPromptTemplate t) {
      this.pairwiseTemplate = t;
      return this;
    }

    /**
     * Judge a three-option choice on an input with {@code response_a} and {@code response_b} in
     * both orders (default on).
     */
    public Builder positionSwap(boolean on) {
      this.positionSwap = on;
      return this;
    }

    /** The labels of yes/no questions (default {@code yes}, {@code no}); each one token. */
    public Builder yesNoLabels(String yes, String no) {
      this.yesLabel = Objects.requireNonNull(yes, "yes");
      this.noLabel = Objects.requireNonNull(no, "no");
      return this;
    }

    public Builder listeners(List<DecisionModelListener> l) {
      this.listeners.clear();
      this.listeners.addAll(l);
      return this;
    }

    public LagerDecisionModel build() {
      return new LagerDecisionModel(this);
    }
  }
}
