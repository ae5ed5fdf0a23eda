package io.github.lager.spark;

import io.github.lager.core.InvalidInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Judges every row of a DataFrame with a LAGER judge: a Spark ML {@link Transformer}, usable in a
 * {@code Pipeline}, saved and loaded with its settings ({@link #write()}, {@link #load}).
 *
 * <p>Input: each row is one sample, its columns the fields of a line of {@code lager score}'s
 * JSON Lines input ({@code user_prompt}, optionally {@code user_prompt_feedback}; or, with a
 * {@link #template()}, the template's fields such as {@code instruction} and {@code response};
 * {@code score}, the human score, when known), or one column ({@link #jsonCol()}) holding that
 * line's JSON text. The {@link #idxCol()} column ({@code idx}) names each sample; without it the
 * rows get {@code monotonically_increasing_id()}.
 *
 * <p>Output: the input columns and every score ({@code direct_score}, {@code e_score},
 * {@code lager_wo}, the ablations, {@code lager_w} with {@link #weightsPath()},
 * {@code weighted_direct_score}, and in {@link #pairwise()} mode the probabilities of A better,
 * a tie and B better), {@code valid} (whether the judge emitted a score token; null for a row that
 * was not scored), {@code score_step}, {@code generated_text} and {@code error} (why a row was not
 * scored: an unusable row, a prompt over {@link #maxLength()}, a backend failure). Optionally the
 * per-layer score logits ((L+1) x K, {@link #layerLogits()}) and the row's object of lager's
 * results format ({@link #resultJson()}).
 *
 * <p>Each executor JVM opens the judge once, lazily, and its tasks share it ({@code JudgePool});
 * each partition is scored in the length-sorted batches of {@code lager score}. Before any task
 * runs, {@link #transform} refuses what {@code lager score} refuses (a model directory that does
 * not match its config, labels that are not single tokens, bad options).
 */
public final class LagerJudge extends Transformer implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;

  private final String uid;
  private final Param<String> modelDir;
  private final Param<String> idxCol;
  private final Param<String> jsonCol;
  private final Param<String> template;
  private final Param<String> labels;
  private final Param<String> values;
  private final IntParam points;
  private final BooleanParam reasoning;
  private final BooleanParam pairwise;
  private final IntParam batchSize;
  private final IntParam maxNewTokens;
  private final IntParam maxLength;
  private final Param<String> anchor;
  private final Param<String> backend;
  private final Param<String> device;
  private final Param<String> dtype;
  private final BooleanParam stopAtFirstScore;
  private final BooleanParam logitLens;
  private final BooleanParam addSpecialTokens;
  private final Param<String> weightsPath;
  private final BooleanParam reuseWeights;
  private final BooleanParam failOnError;
  private final BooleanParam layerLogits;
  private final BooleanParam resultJson;

  public LagerJudge() {
    this(Identifiable$.MODULE$.randomUID("lagerJudge"));
  }

  public LagerJudge(String uid) {
    this.uid = uid;
    modelDir = new Param<>(this, "modelDir", "the judge's Hugging Face model directory, a path"
        + " every executor sees (local disk, NFS)");
    idxCol = new Param<>(this, "idxCol", "the column naming each sample (long); absent from the"
        + " input: monotonically_increasing_id()");
    jsonCol = new Param<>(this, "jsonCol", "a column holding each sample as a JSON object (a line"
        + " of lager score's input); unset: the row's columns are the sample's fields");
    template = new Param<>(this, "template", "a built-in prompt template (absolute, pairwise,"
        + " emotion, answerability) or a Jinja file; unset: rows hold rendered prompts");
    labels = new Param<>(this, "labels", "the judge's labels, each one token: a list (0,1,2) or"
        + " a range (1-9); unset: the template's, else 1-5");
    values = new Param<>(this, "values", "one number per label, in order");
    points = new IntParam(this, "points", "shorthand for labels 1-N (0: unset)");
    reasoning = new BooleanParam(this, "reasoning", "the reasoning condition (feedback, then the"
        + " score; 256 new tokens)");
    pairwise = new BooleanParam(this, "pairwise", "judge every sample in both orders");
    batchSize = new IntParam(this, "batchSize", "samples per batch");
    maxNewTokens = new IntParam(this, "maxNewTokens", "greedy decoding length (0: 10, or 256"
        + " with reasoning)");
    maxLength = new IntParam(this, "maxLength", "rows longer than this many tokens are not"
        + " scored (an error row), as the reference drops them");
    anchor = new Param<>(this, "anchor", "the score is the first label token after this text");
    backend = new Param<>(this, "backend", "djl or onnx (unset: the best available)");
    device = new Param<>(this, "device", "auto, cpu or gpu; a task given a GPU by Spark's"
        + " resource scheduling always runs on it");
    dtype = new Param<>(this, "dtype", "float32, bfloat16 or float16 (unset: float32 on CPU,"
        + " bfloat16 on GPU)");
    stopAtFirstScore = new BooleanParam(this, "stopAtFirstScore", "end a row at its first score"
        + " token (a deviation from the reference)");
    logitLens = new BooleanParam(this, "logitLens", "apply the final norm to every layer");
    addSpecialTokens = new BooleanParam(this, "addSpecialTokens", "the tokenizer adds its special"
        + " tokens (the reference does)");
    weightsPath = new Param<>(this, "weightsPath", "layer weights (lager tune), read on the"
        + " driver: adds lager_w");
    reuseWeights = new BooleanParam(this, "reuseWeights", "use weights tuned on another label"
        + " set");
    failOnError = new BooleanParam(this, "failOnError", "a row that cannot be scored fails the"
        + " task (and so the job) instead of becoming an error row");
    layerLogits = new BooleanParam(this, "layerLogits", "add the per-layer score logits"
        + " ((L+1) x K) as an array column");
    resultJson = new BooleanParam(this, "resultJson", "add each scored sample's object of lager's"
        + " results format (result_json)");
    setDefault(idxCol, "idx");
    setDefault(points, 0);
    setDefault(reasoning, false);
    setDefault(pairwise, false);
    setDefault(batchSize, 4);
    setDefault(maxNewTokens, 0);
    setDefault(maxLength, 2048);
    setDefault(device, "auto");
    setDefault(stopAtFirstScore, false);
    setDefault(logitLens, false);
    setDefault(addSpecialTokens, true);
    setDefault(reuseWeights, false);
    setDefault(failOnError, false);
    setDefault(layerLogits, false);
    setDefault(resultJson, false);
  }

  @Override
  public String uid() {
    return uid;
  }

  public static MLReader<LagerJudge> read() {
    return new DefaultParamsReader<>();
  }

  public static LagerJudge load(String path) {
    return read().load(path);
  }

  @Override
  public LagerJudge copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  @Override
  public StructType transformSchema(StructType schema) {
    List<String> names = Arrays.asList(schema.fieldNames());
    String idx = getOrDefault(idxCol);
    if (isDefined(jsonCol) && !names.contains(str(jsonCol))) {
      throw new InvalidInputException("jsonCol: the input has no column '" + str(jsonCol)
          + "'; it has " + names);
    }
    List<StructField> fields = new ArrayList<>(Arrays.asList(schema.fields()));
    if (!names.contains(idx)) {
      fields.add(DataTypes.createStructField(idx, DataTypes.LongType, false));
    }
    for (StructField f : PartitionScorer.outputFields(settings(), on(layerLogits),
        on(resultJson))) {
      if (names.contains(f.name())) {
        throw new InvalidInputException("the input already has a column '" + f.name() + "',"
            + " which the judge writes; rename or drop it");
      }
      fields.add(f);
    }
    return DataTypes.createStructType(fields);
  }

  /**
   * Checks the settings and the model on the driver (nothing runs when they are refused), then
   * judges every row: lazily, as Spark runs the plan.
   */
  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType outSchema = transformSchema(dataset.schema());
    JudgeSettings s = PartitionScorer.prepare(settings());
    Dataset<Row> df = dataset.toDF();
    String idx = getOrDefault(idxCol);
    if (!Arrays.asList(df.schema().fieldNames()).contains(idx)) {
      df = df.withColumn(idx, functions.monotonically_increasing_id());
    }
    StructType in = df.schema();
    PartitionScorer scorer = new PartitionScorer(s, in, in.fieldIndex(idx),
        isDefined(jsonCol) ? in.fieldIndex(str(jsonCol)) : -1, on(layerLogits),
        on(resultJson));
    return df.mapPartitions((MapPartitionsFunction<Row, Row>) scorer::score,
        Encoders.row(outSchema));
  }

  /** The settings the params describe (the files they name not yet read). */
  JudgeSettings settings() {
    JudgeSettings s = new JudgeSettings();
    s.modelDir = str(modelDir);
    s.template = str(template);
    s.labels = str(labels);
    s.values = str(values);
    s.points = number(points);
    s.reasoning = on(reasoning);
    s.pairwise = on(pairwise);
    s.batchSize = number(batchSize);
    s.maxNewTokens = number(maxNewTokens);
    s.maxLength = number(maxLength);
    s.anchor = str(anchor);
    s.backend = str(backend);
    s.device = getOrDefault(device);
    s.dtype = str(dtype);
    s.stopAtFirstScore = on(stopAtFirstScore);
    s.logitLens = on(logitLens);
    s.addSpecialTokens = on(addSpecialTokens);
    s.weightsSource = str(weightsPath);
    // a placeholder until prepare() reads the file: the output columns depend on its presence
    s.weightsJson = s.weightsSource == null ? null : "";
    s.reuseWeights = on(reuseWeights);
    s.failOnError = on(failOnError);
    return s;
  }

  private String str(Param<String> p) {
    return isDefined(p) ? getOrDefault(p) : null;
  }

  private boolean on(BooleanParam p) {
    return (Boolean) getOrDefault(p);
  }

  private int number(IntParam p) {
    return (Integer) getOrDefault(p);
  }

  // ---- params (Spark ML finds them by these public methods) and setters

  public Param<String> modelDir() {
    return modelDir;
  }

  public Param<String> idxCol() {
    return idxCol;
  }

  public Param<String> jsonCol() {
    return jsonCol;
  }

  public Param<String> template() {
    return template;
  }

  public Param<String> labels() {
    return labels;
  }

  public Param<String> values() {
    return values;
  }

  public IntParam points() {
    return points;
  }

  public BooleanParam reasoning() {
    return reasoning;
  }

  public BooleanParam pairwise() {
    return pairwise;
  }

  public IntParam batchSize() {
    return batchSize;
  }

  public IntParam maxNewTokens() {
    return maxNewTokens;
  }

  public IntParam maxLength() {
    return maxLength;
  }

  public Param<String> anchor() {
    return anchor;
  }

  public Param<String> backend() {
    return backend;
  }

  public Param<String> device() {
    return device;
  }

  public Param<String> dtype() {
    return dtype;
  }

  public BooleanParam stopAtFirstScore() {
    return stopAtFirstScore;
  }

  public BooleanParam logitLens() {
    return logitLens;
  }

  public BooleanParam addSpecialTokens() {
    return addSpecialTokens;
  }

  public Param<String> weightsPath() {
    return weightsPath;
  }

  public BooleanParam reuseWeights() {
    return reuseWeights;
  }

  public BooleanParam failOnError() {
    return failOnError;
  }

  public BooleanParam layerLogits() {
    return layerLogits;
  }

  public BooleanParam resultJson() {
    return resultJson;
  }

  public LagerJudge setModelDir(String v) {
    set(modelDir, v);
    return this;
  }

  public LagerJudge setIdxCol(String v) {
    set(idxCol, v);
    return this;
  }

  public LagerJudge setJsonCol(String v) {
    set(jsonCol, v);
    return this;
  }

  public LagerJudge setTemplate(String v) {
    set(template, v);
    return this;
  }

  public LagerJudge setLabels(String v) {
    set(labels, v);
    return this;
  }

  public LagerJudge setValues(String v) {
    set(values, v);
    return this;
  }

  public LagerJudge setPoints(int v) {
    set(points, v);
    return this;
  }

  public LagerJudge setReasoning(boolean v) {
    set(reasoning, v);
    return this;
  }

  public LagerJudge setPairwise(boolean v) {
    set(pairwise, v);
    return this;
  }

  public LagerJudge setBatchSize(int v) {
    set(batchSize, v);
    return this;
  }

  public LagerJudge setMaxNewTokens(int v) {
    set(maxNewTokens, v);
    return this;
  }

  public LagerJudge setMaxLength(int v) {
    set(maxLength, v);
    return this;
  }

  public LagerJudge setAnchor(String v) {
    set(anchor, v);
    return this;
  }

  public LagerJudge setBackend(String v) {
    set(backend, v);
    return this;
  }

  public LagerJudge setDevice(String v) {
    set(device, v);
    return this;
  }

  public LagerJudge setDtype(String v) {
    set(dtype, v);
    return this;
  }

  public LagerJudge setStopAtFirstScore(boolean v) {
    set(stopAtFirstScore, v);
    return this;
  }

  public LagerJudge setLogitLens(boolean v) {
    set(logitLens, v);
    return this;
  }

  public LagerJudge setAddSpecialTokens(boolean v) {
    set(addSpecialTokens, v);
    return this;
  }

  public LagerJudge setWeightsPath(String v) {
    set(weightsPath, v);
    return this;
  }

  public LagerJudge setReuseWeights(boolean v) {
    set(reuseWeights, v);
    return this;
  }

  public LagerJudge setFailOnError(boolean v) {
    set(failOnError, v);
    return this;
  }

  public LagerJudge setLayerLogits(boolean v) {
    set(layerLogits, v);
    return this;
  }

  public LagerJudge setResultJson(boolean v) {
    set(resultJson, v);
    return this;
  }
}
