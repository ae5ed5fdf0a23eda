package io.github.lager.spark;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.github.lager.core.InvalidInputException;
import io.github.lager.core.LagerException;
import io.github.lager.core.io.JudgeSample;
import io.github.lager.core.io.JudgeSamplesJsonl;
import io.github.lager.core.io.LayerWeightsJson;
import io.github.lager.core.io.ResultsJson;
import io.github.lager.core.io.ScoredSample;
import io.github.lager.core.math.LabelSet;
import io.github.lager.core.math.LabelSetSyntax;
import io.github.lager.core.math.LayerLogits;
import io.github.lager.core.math.LayerWeights;
import io.github.lager.core.math.PairwiseScore;
import io.github.lager.core.math.Projection;
import io.github.lager.core.math.ScoreMethod;
import io.github.lager.core.pipeline.BatchPlan;
import io.github.lager.core.pipeline.Condition;
import io.github.lager.core.pipeline.ScoringSummary;
import io.github.lager.hf.Judge;
import io.github.lager.hf.JudgeOptions;
import io.github.lager.hf.JudgePromptBuilder;
import io.github.lager.hf.architecture.ModelConfig;
import io.github.lager.hf.backend.ProviderOptions;
import io.github.lager.hf.model.DjlOffline;
import io.github.lager.hf.template.JinjaPromptTemplate;
import java.io.IOException;
import java.io.Serializable;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.JavaConverters;

/**
 * The one place lager-spark calls lager's API: the judge options from {@link JudgeSettings}, the
 * driver's checks before any task runs, the columns a judged row gets, and the scoring of one
 * partition: its rows become JSON Lines read by lager's own reader ({@link JudgeSamplesJsonl}: the
 * same fields, idx and human-score rules as {@code lager score}), are scored by the executor's
 * judge in the length-sorted batches of {@link Judge#plan} and {@link Judge#score}, and come back
 * in input order with every score, or with an error.
 */
final class PartitionScorer implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(PartitionScorer.class);

  static final String VALID = "valid";
  static final String WEIGHTED_DIRECT_SCORE = "weighted_direct_score";
  static final String SCORE_STEP = "score_step";
  static final String GENERATED_TEXT = "generated_text";
  static final String ERROR = "error";
  static final String LAYER_LOGITS = "layer_logits";
  static final String RESULT_JSON = "result_json";
  static final String SWAP_CONSISTENT = "swap_consistent";

  /**
   * A test hook: when {@code >= 0}, the next partition to hand out that many rows fails once
   * after them (a task killed mid-partition). Local mode only (one JVM).
   */
  static final AtomicInteger FAIL_ONCE_AFTER_ROWS = new AtomicInteger(-1);

  private final JudgeSettings settings;
  private final StructType inputSchema;
  private final int idxField;
  private final int jsonField;
  private final boolean layerLogits;
  private final boolean resultJson;

  /**
   * @param idxField the input's idx column
   * @param jsonField the column holding each sample as a JSON object, or -1: the row's columns
   *     are the sample's fields
   */
  PartitionScorer(JudgeSettings settings, StructType inputSchema, int idxField, int jsonField,
      boolean layerLogits, boolean resultJson) {
    this.settings = settings;
    this.inputSchema = inputSchema;
    this.idxField = idxField;
    this.jsonField = jsonField;
    this.layerLogits = layerLogits;
    this.resultJson = resultJson;
  }

  // ---------------------------------------------------------------- on the driver

  /**
   * Reads the files the settings name (layer weights, a template file) and refuses, before any
   * task runs, what {@code lager score} refuses: options out of range, a model directory whose
   * config.json does not describe its checkpoint, labels that are not single tokens of the
   * model's vocabulary, weights of another model or label set. Opens only the model's cheap
   * parts ({@code ModelDirectory.open}: config, tokenizer, safetensors headers checked against
   * the config); no backend is loaded.
   *
   * @return the settings with the files' contents, ready to ship to the executors
   */
  static JudgeSettings prepare(JudgeSettings s) {
    if (s.modelDir == null || s.modelDir.isBlank()) {
      throw new InvalidInputException("modelDir is not set: the judge's model directory, a path"
          + " every executor sees");
    }
    atLeast("batchSize", s.batchSize, 1);
    atLeast("maxLength", s.maxLength, 1);
    atLeast("maxNewTokens", s.maxNewTokens, 0);
    if (s.points != 0 && s.labels != null) {
      throw new InvalidInputException("labels and points both give the label set; points N is"
          + " labels 1-N, use one");
    }
    if (s.points != 0) {
      atLeast("points", s.points, 2);
    }
    if (s.values != null && s.labels == null) {
      throw new InvalidInputException("values gives the values of labels, which is not set");
    }
    device(s.device);
    DjlOffline.ensure(); // the tokenizer's natives load here
    if (s.template != null && !JinjaPromptTemplate.BUILT_IN.containsKey(s.template)) {
      Path file = Path.of(s.template);
      s.templateSource = readFile(file, "the prompt template");
      s.templateName = file.getFileName().toString();
      s.template = null;
    }
    if (s.weightsSource != null) {
      s.weightsJson = readFile(Path.of(s.weightsSource), "the layer weights");
    }
    JudgeOptions o = options(s, false);
    Path dir = Path.of(s.modelDir);
    try (JudgePromptBuilder prompts = JudgePromptBuilder.open(dir, o)) {
      ModelConfig config = prompts.model().config();
      LabelSet labelSet = prompts.labelSet();
      o.weights().ifPresent(w -> {
        w.checkCompatible(config.numHiddenLayers() + 1, "the layer weights " + s.weightsSource);
        w.checkLabels(labelSet, o.reuseWeights(), "the layer weights " + s.weightsSource,
            "reuseWeights");
      });
    }
    return s;
  }

  /** The columns a judged row gets, after its input columns. */
  static List<StructField> outputFields(JudgeSettings s, boolean layerLogits, boolean resultJson) {
    List<StructField> f = new ArrayList<>();
    for (ScoreMethod m : methods(s)) {
      f.add(DataTypes.createStructField(m.key(), DataTypes.DoubleType, true));
    }
    f.add(DataTypes.createStructField(WEIGHTED_DIRECT_SCORE, DataTypes.DoubleType, true));
    if (s.pairwise) {
      for (ScoreMethod m : pairwiseMethods(s)) {
        for (String suffix : new String[] {"_p_a", "_p_tie", "_p_b", "_pairwise"}) {
          f.add(DataTypes.createStructField(m.key() + suffix, DataTypes.DoubleType, true));
        }
      }
      f.add(DataTypes.createStructField(SWAP_CONSISTENT, DataTypes.BooleanType, true));
    }
    f.add(DataTypes.createStructField(VALID, DataTypes.BooleanType, true));
    f.add(DataTypes.createStructField(SCORE_STEP, DataTypes.IntegerType, true));
    f.add(DataTypes.createStructField(GENERATED_TEXT, DataTypes.StringType, true));
    f.add(DataTypes.createStructField(ERROR, DataTypes.StringType, true));
    if (layerLogits) {
      f.add(DataTypes.createStructField(LAYER_LOGITS, DataTypes.createArrayType(
          DataTypes.createArrayType(DataTypes.FloatType, false), false), true));
    }
    if (resultJson) {
      f.add(DataTypes.createStructField(RESULT_JSON, DataTypes.StringType, true));
    }
    return f;
  }

  /** Every score a row gets: the tuned ones only with weights. */
  private static List<ScoreMethod> methods(JudgeSettings s) {
    List<ScoreMethod> out = new ArrayList<>();
    for (ScoreMethod m : ScoreMethod.values()) {
      if (!m.isTuned() || s.hasWeights()) {
        out.add(m);
      }
    }
    return out;
  }

  /** The scores whose pairwise probabilities a row gets: the paper's main ones. */
  private static List<ScoreMethod> pairwiseMethods(JudgeSettings s) {
    return ScoreMethod.MAIN.stream().filter(m -> !m.isTuned() || s.hasWeights()).toList();
  }

  /** The judge options of the settings: as {@code lager score} builds them from its options. */
  private static JudgeOptions options(JudgeSettings s, boolean gpu) {
    LabelSet labels = s.labels != null ? LabelSetSyntax.parse(s.labels, s.values)
        : s.points != 0 ? LabelSet.of(s.points) : null;
    JinjaPromptTemplate template = s.template != null ? JinjaPromptTemplate.builtIn(s.template)
        : s.templateSource != null ? JinjaPromptTemplate.of(s.templateName, s.templateSource)
            : null;
    LayerWeights weights = s.weightsJson == null ? null
        : LayerWeightsJson.read(new StringReader(s.weightsJson), s.weightsSource);
    return JudgeOptions.builder().labelSet(labels).template(template).pairwise(s.pairwise)
        .condition(s.reasoning ? Condition.REASONING : Condition.DIRECT)
        .addSpecialTokens(s.addSpecialTokens).backend(s.backend)
        .device(gpu ? ProviderOptions.Device.GPU : device(s.device)).dtype(s.dtype)
        .maxNewTokens(s.maxNewTokens > 0 ? s.maxNewTokens : null).batchSize(s.batchSize)
        .maxLength(s.maxLength).lens(s.logitLens ? Projection.Lens.FINAL_NORM : Projection.Lens.RAW)
        .failFast(s.failOnError).stopAtFirstScore(s.stopAtFirstScore).anchor(s.anchor)
        .weights(weights).reuseWeights(s.reuseWeights).build();
  }

  private static ProviderOptions.Device device(String name) {
    try {
      return ProviderOptions.Device.valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("device must be auto, cpu or gpu, found '" + name + "'");
    }
  }

  private static void atLeast(String param, int value, int min) {
    if (value < min) {
      throw new InvalidInputException(param + " must be at least " + min + ", found " + value);
    }
  }

  private static String readFile(Path file, String what) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(what + " not found: " + file, e);
    } catch (IOException e) {
      throw new InvalidInputException("cannot read " + what + " " + file + ": " + e, e);
    }
  }

  // ---------------------------------------------------------------- on an executor

  /** Scores one partition; its rows come back in input order, each with its scores or error. */
  Iterator<Row> score(Iterator<Row> input) {
    List<Row> rows = new ArrayList<>();
    input.forEachRemaining(rows::add);
    if (rows.isEmpty()) {
      return rows.iterator();
    }
    int n = rows.size();
    String[] errors = new String[n];
    ScoredSample[] scored = new ScoredSample[n];
    List<JudgeSample> samples = read(rows, errors);
    Map<Long, Integer> rowOf = new HashMap<>();
    int k = 0;
    for (int i = 0; i < n; i++) {
      if (errors[i] == null) {
        rowOf.put(samples.get(k++).idx(), i);
      }
    }
    if (settings.failOnError) {
      for (String e : errors) {
        if (e != null) {
          throw new InvalidInputException(e);
        }
      }
    }
    String[] texts = new String[n];
    LayerWeights weights;
    if (!samples.isEmpty()) {
      boolean gpu = false;
      String device = "cpu";
      String address = gpuAddress();
      if (address != null) {
        gpu = true;
        device = "gpu:" + address;
      }
      boolean onGpu = gpu;
      String key = settings.key() + "|" + device;
      long t0 = System.nanoTime();
      Judge judge = JudgePool.borrow(key, gpu ? 1 : Integer.MAX_VALUE, () -> open(onGpu));
      long t1 = System.nanoTime();
      try {
        weights = judge.weights().orElse(null);
        BatchPlan plan = judge.plan(samples);
        ScoringSummary summary = judge.score(plan, Set.of(), batch -> {
          for (ScoredSample s : batch) {
            scored[rowOf.get(s.idx())] = s;
          }
        }, (done, total, tokens) -> { });
        LOG.info(String.format(Locale.ROOT, "lager: %d rows on %s: judge ready in %.1f s, scored"
            + " in %.1f s (%.2f samples/s)", n, device, (t1 - t0) / 1e9, summary.seconds(),
            summary.samplesPerSecond()));
        for (String p : summary.problems()) {
          Integer row = rowOfProblem(p, rowOf);
          if (row != null && scored[row] == null && errors[row] == null) {
            errors[row] = p;
          }
        }
        for (int i = 0; i < n; i++) {
          if (scored[i] != null) {
            int i0 = i;
            scored[i].generatedIds().ifPresent(ids ->
                texts[i0] = judge.model().tokenizer().decode(ids, true));
          }
        }
      } finally {
        JudgePool.giveBack(key, judge);
      }
    } else {
      weights = null;
    }
    List<Row> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      if (scored[i] == null && errors[i] == null) {
        errors[i] = "idx " + idxOf(rows.get(i)) + ": not scored";
      }
      if (scored[i] == null && settings.failOnError) {
        throw new LagerException(errors[i]);
      }
      out.add(outputRow(rows.get(i), scored[i], texts[i], errors[i], weights));
    }
    return failOnceHook(out.iterator());
  }

  private Judge open(boolean gpu) {
    DjlOffline.ensure();
    return Judge.open(Path.of(settings.modelDir), options(settings, gpu));
  }

  /**
   * The GPU Spark's resource scheduling gave this task ({@code spark.task.resource.gpu.amount}),
   * or null without one. lager's backends open the first GPU the executor sees, so a task given
   * another GPU is refused unless the executor sees that one GPU alone (the cluster manager's
   * isolation, or CUDA_VISIBLE_DEVICES): a judge never runs on a GPU other than the task's.
   */
  private static String gpuAddress() {
    TaskContext tc = TaskContext.get();
    if (tc == null) {
      return null;
    }
    ResourceInformation gpu = tc.resourcesJMap().get("gpu");
    if (gpu == null || gpu.addresses().length == 0) {
      return null;
    }
    String address = gpu.addresses()[0];
    String visible = System.getenv("CUDA_VISIBLE_DEVICES");
    boolean isolated = visible != null && !visible.isBlank() && !visible.contains(",");
    if (!address.equals("0") && !isolated) {
      throw new LagerException("this task was given GPU " + address + " but lager's backends open"
          + " the first GPU the executor sees (CUDA_VISIBLE_DEVICES="
          + (visible == null ? "unset" : visible) + "); give each executor one GPU that it sees"
          + " alone (see docs/distributed.md)");
    }
    return address;
  }

  /**
   * The samples of {@code rows}, read by lager's JSON Lines reader from a file of one line per
   * row; a row it cannot use gets its message in {@code errors} (with the row's idx in place of
   * the file and line).
   */
  private List<JudgeSample> read(List<Row> rows, String[] errors) {
    Path tmp;
    try {
      tmp = Files.createTempFile("lager-spark-", ".jsonl");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary file", e);
    }
    try {
      StringBuilder text = new StringBuilder();
      for (Row r : rows) {
        text.append(jsonLine(r)).append('\n');
      }
      // a last line that always reads, so that a partition of bad rows still reports each row
      long sentinel = -(1L << 53); // the most negative idx lager's reader takes
      text.append("{\"idx\":").append(sentinel).append(",\"user_prompt\":\"\"}\n");
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      JudgeSamplesJsonl.Contents c = JudgeSamplesJsonl.read(tmp, false,
          settings.template != null || settings.templateSource != null);
      for (String p : c.problems()) {
        String prefix = tmp + ":";
        if (p.startsWith(prefix)) {
          String rest = p.substring(prefix.length());
          int colon = rest.indexOf(':');
          int line = Integer.parseInt(rest.substring(0, colon));
          if (line <= rows.size()) {
            errors[line - 1] = "idx " + idxOf(rows.get(line - 1)) + rest.substring(colon);
          }
        }
      }
      List<JudgeSample> samples = new ArrayList<>(c.samples());
      if (!samples.isEmpty() && samples.get(samples.size() - 1).idx() == sentinel) {
        samples.remove(samples.size() - 1);
      }
      return samples;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + tmp, e);
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // a temporary file left behind
      }
    }
  }

  /** The row as one JSON object on one line; a JSON column's text gets the row's idx if it has none. */
  private String jsonLine(Row r) {
    if (jsonField < 0) {
      JsonObject o = new JsonObject();
      for (int i = 0; i < inputSchema.size(); i++) {
        if (!r.isNullAt(i)) {
          o.add(inputSchema.fields()[i].name(), json(r.get(i)));
        }
      }
      return o.toString();
    }
    String text = r.isNullAt(jsonField) ? "" : r.getString(jsonField);
    try {
      JsonElement e = JsonParser.parseString(text);
      if (e.isJsonObject() && !e.getAsJsonObject().has("idx") && !r.isNullAt(idxField)) {
        e.getAsJsonObject().add("idx", json(r.get(idxField)));
      }
      return e.isJsonNull() ? "null" : e.toString();
    } catch (JsonParseException bad) {
      return text.replace('\n', ' ').replace('\r', ' '); // the reader reports it as malformed
    }
  }

  private static JsonElement json(Object v) {
    if (v == null) {
      return JsonNull.INSTANCE;
    } else if (v instanceof String s) {
      return new JsonPrimitive(s);
    } else if (v instanceof Number num) {
      return new JsonPrimitive(num);
    } else if (v instanceof Boolean b) {
      return new JsonPrimitive(b);
    } else if (v instanceof scala.collection.Seq<?> seq) {
      JsonArray a = new JsonArray();
      for (Object x : JavaConverters.seqAsJavaList(seq)) {
        a.add(json(x));
      }
      return a;
    } else if (v instanceof Row row && row.schema() != null) {
      JsonObject o = new JsonObject();
      for (int i = 0; i < row.size(); i++) {
        o.add(row.schema().fields()[i].name(), json(row.get(i)));
      }
      return o;
    } else if (v instanceof scala.collection.Map<?, ?> map) {
      JsonObject o = new JsonObject();
      JavaConverters.mapAsJavaMap(map).forEach((key, val) -> o.add(String.valueOf(key), json(val)));
      return o;
    }
    return new JsonPrimitive(v.toString());
  }

  private Object idxOf(Row r) {
    return r.isNullAt(idxField) ? "null" : r.get(idxField);
  }

  /** The row of a pipeline problem ({@code "idx N: ..."}), or null. */
  private static Integer rowOfProblem(String problem, Map<Long, Integer> rowOf) {
    if (!problem.startsWith("idx ")) {
      return null;
    }
    int colon = problem.indexOf(':');
    try {
      return rowOf.get(Long.parseLong(problem.substring(4, colon)));
    } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
      return null;
    }
  }

  private Row outputRow(Row in, ScoredSample s, String text, String error, LayerWeights weights) {
    List<Object> v = new ArrayList<>(inputSchema.size() + 24);
    for (int i = 0; i < in.size(); i++) {
      v.add(in.get(i));
    }
    Map<ScoreMethod, Double> scores = s == null ? Map.of() : s.scores(weights);
    for (ScoreMethod m : methods(settings)) {
      v.add(scores.get(m));
    }
    v.add(s != null && s.isValid() ? s.weightedDirectScore() : null);
    if (settings.pairwise) {
      Map<ScoreMethod, PairwiseScore> p = s == null ? Map.of() : s.pairwiseScores(weights);
      for (ScoreMethod m : pairwiseMethods(settings)) {
        PairwiseScore ps = p.get(m);
        v.add(ps == null ? null : ps.mean().a());
        v.add(ps == null ? null : ps.mean().tie());
        v.add(ps == null ? null : ps.mean().b());
        v.add(ps == null ? null : ps.score());
      }
      PairwiseScore e = p.get(ScoreMethod.E_SCORE);
      v.add(e == null ? null : e.swapConsistent().orElse(null));
    }
    v.add(s == null ? null : s.isValid());
    v.add(s == null ? null : s.scoreStep().orElse(null));
    v.add(text);
    v.add(error);
    if (layerLogits) {
      v.add(s == null ? null : s.logits().map(PartitionScorer::logitRows).orElse(null));
    }
    if (resultJson) {
      v.add(s == null ? null : ResultsJson.toJsonLine(s, s.resultColumns(weights), weights));
    }
    return RowFactory.create(v.toArray());
  }

  /** The (L+1) x K logits as Spark's external type of an array of arrays (Scala sequences). */
  private static scala.collection.Seq<scala.collection.Seq<Object>> logitRows(LayerLogits z) {
    List<scala.collection.Seq<Object>> rows = new ArrayList<>(z.entries());
    for (int l = 0; l < z.entries(); l++) {
      List<Object> row = new ArrayList<>(z.points());
      for (float x : z.row(l)) {
        row.add(x);
      }
      rows.add(JavaConverters.asScalaBuffer(row).toSeq());
    }
    return JavaConverters.asScalaBuffer(rows).toSeq();
  }

  private static Iterator<Row> failOnceHook(Iterator<Row> rows) {
    if (FAIL_ONCE_AFTER_ROWS.get() < 0) {
      return rows;
    }
    return new Iterator<>() {
      int handedOut;

      @Override
      public boolean hasNext() {
        int after = FAIL_ONCE_AFTER_ROWS.get();
        if (after >= 0 && handedOut == after && rows.hasNext()
            && FAIL_ONCE_AFTER_ROWS.compareAndSet(after, -1)) {
          throw new IllegalStateException("test hook: task killed after " + after + " rows");
        }
        return rows.hasNext();
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        handedOut++;
        return rows.next();
      }
    };
  }
}
