package io.github.lager.spark;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.lager.core.InvalidInputException;
import io.github.lager.core.LagerException;
import io.github.lager.core.io.OutputFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Judges a table on a Spark cluster: {@code spark-submit --class io.github.lager.spark.JudgeJob
 * lager-spark-shaded.jar --model DIR --input data.{jsonl,parquet} --output OUT [score options]}.
 * Writes {@code OUT/scores.parquet} (every row with its scores, or its error) through Spark's
 * committed writer, then {@code OUT/results.json}: the scored samples in lager's (the reference's)
 * results format, in order of idx, which {@code lager evaluate} reads. The score options are
 * {@code lager score}'s.
 */
@Command(name = "JudgeJob", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Judge a JSON Lines or Parquet table on Spark; write Parquet and lager's results"
        + " JSON.")
public final class JudgeJob implements Callable<Integer> {
  /** The Parquet output inside {@code --output}. */
  public static final String PARQUET = "scores.parquet";
  /** The results file inside {@code --output}. */
  public static final String RESULTS = "results.json";

  @Option(names = "--model", required = true, paramLabel = "DIR",
      description = "The judge's model directory, a path every executor sees.")
  String model;

  @Option(names = "--input", required = true, paramLabel = "FILE",
      description = "JSON Lines (.jsonl, lager score's input) or Parquet (.parquet, the same"
          + " fields as columns).")
  String input;

  @Option(names = "--output", required = true, paramLabel = "DIR",
      description = "Where to write " + PARQUET + " and " + RESULTS + ".")
  String output;

  @Option(names = "--master", paramLabel = "URL",
      description = "Spark master (local[N] for local mode); default: spark-submit's.")
  String master;

  @Option(names = "--partitions", defaultValue = "0", paramLabel = "N",
      description = "Repartition the input into N partitions (0: keep the input's).")
  int partitions;

  @Option(names = "--overwrite", description = "Replace an existing --output.")
  boolean overwrite;

  @Option(names = "--layer-logits", description = "Add the per-layer score logits to the Parquet.")
  boolean layerLogits;

  @Option(names = "--fail-on-error",
      description = "Fail the job on a row that cannot be scored (default: an error row).")
  boolean failOnError;

  // lager score's score options, with its defaults (lager score --help says more)
  @Option(names = "--template", paramLabel = "NAME|FILE",
      description = "Render each row's fields with a built-in template (absolute, pairwise,"
          + " emotion, answerability) or a Jinja file; without it rows hold user_prompt.")
  String template;

  @Option(names = "--labels", paramLabel = "LABELS",
      description = "The judge's labels, each one token: 0,1,2 or 1-9 (default: the template's,"
          + " else 1-5).")
  String labels;

  @Option(names = "--values", paramLabel = "NUMBERS", description = "One number per label.")
  String values;

  @Option(names = "--points", paramLabel = "N", defaultValue = "0",
      description = "Shorthand for --labels 1-N.")
  int points;

  @Option(names = "--reasoning", description = "Reasoning condition (256 new tokens).")
  boolean reasoning;

  @Option(names = "--pairwise", description = "Judge every row in both orders (needs --template).")
  boolean pairwise;

  @Option(names = "--no-special-tokens",
      description = "Tokenize without the tokenizer's special tokens.")
  boolean noSpecialTokens;

  @Option(names = "--batch-size", defaultValue = "4", description = "Default ${DEFAULT-VALUE}.")
  int batchSize;

  @Option(names = "--max-new-tokens", paramLabel = "N", defaultValue = "0",
      description = "Greedy decoding length (default 10, or 256 with --reasoning).")
  int maxNewTokens;

  @Option(names = "--max-length", defaultValue = "2048",
      description = "Rows longer than this many tokens are error rows (default ${DEFAULT-VALUE}).")
  int maxLength;

  @Option(names = "--anchor", paramLabel = "TEXT",
      description = "The score is the first label token generated after TEXT.")
  String anchor;

  @Option(names = "--backend", paramLabel = "NAME", description = "djl or onnx.")
  String backend;

  @Option(names = "--device", defaultValue = "auto",
      description = "auto, cpu or gpu (a task given a GPU by Spark runs on it).")
  String device;

  @Option(names = "--dtype", paramLabel = "TYPE", description = "float32, bfloat16 or float16.")
  String dtype;

  @Option(names = "--stop-at-first-score",
      description = "End a row at its first score token (deviates from the reference).")
  boolean stopAtFirstScore;

  @Option(names = "--logit-lens", description = "Apply the final norm to every layer.")
  boolean logitLens;

  @Option(names = "--weights", paramLabel = "FILE",
      description = "Layer weights (lager tune), read on the driver; adds lager_w.")
  String weights;

  @Option(names = "--reuse-weights", description = "Use weights tuned on another label set.")
  boolean reuseWeights;

  /**
   * What a run wrote.
   *
   * @param rows input rows judged
   * @param valid rows with a score token
   * @param invalid rows scored without a score token
   * @param errors rows not scored
   * @param seconds from the start of judging to the committed Parquet
   */
  public record Summary(long rows, long valid, long invalid, long errors, double seconds,
      List<String> firstErrors) {
    public double rowsPerSecond() {
      return rows / seconds;
    }
  }

  public static void main(String[] args) {
    int code = new CommandLine(new JudgeJob())
        .setExecutionExceptionHandler((e, cmd, parsed) -> {
          cmd.getErr().println("JudgeJob: " + e.getMessage());
          return 2;
        }).execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  @Override
  public Integer call() {
    SparkSession.Builder b = SparkSession.builder().appName("lager JudgeJob");
    if (master != null) {
      b.master(master);
    }
    SparkSession spark = b.getOrCreate();
    try {
      Summary s = run(spark);
      System.out.printf(Locale.ROOT, "judged %d rows in %.1f s (%.2f rows/s): %d with a score"
          + " token, %d without, %d not scored%n", s.rows(), s.seconds(), s.rowsPerSecond(),
          s.valid(), s.invalid(), s.errors());
      s.firstErrors().forEach(e -> System.out.println("  " + e));
      System.out.println("wrote " + Path.of(output, PARQUET) + " and " + Path.of(output, RESULTS));
      return 0;
    } finally {
      spark.stop();
    }
  }

  /** Runs the job on {@code spark}. */
  public Summary run(SparkSession spark) {
    Path out = Path.of(output);
    if (Files.exists(out) && !overwrite) {
      throw new InvalidInputException("--output " + out + " exists; --overwrite replaces it");
    }
    LagerJudge judge = judge();
    Dataset<Row> rows = read(spark);
    if (partitions > 0) {
      rows = rows.repartition(partitions);
    }
    Dataset<Row> judged = judge.transform(rows); // refuses bad settings before any task runs
    if (judged.schema().getFieldIndex(JSON).isDefined()) {
      judged = judged.drop(JSON);
    }
    long start = System.nanoTime();
    String parquet = out.resolve(PARQUET).toString();
    judged.write().mode(SaveMode.Overwrite).parquet(parquet);
    double seconds = (System.nanoTime() - start) / 1e9;
    Dataset<Row> written = spark.read().parquet(parquet);
    Row counts = written.agg(functions.count(functions.lit(1)),
        functions.sum(functions.when(functions.col(PartitionScorer.VALID), 1).otherwise(0)),
        functions.sum(functions.when(functions.not(functions.col(PartitionScorer.VALID)), 1)
            .otherwise(0)),
        functions.sum(functions.when(functions.col(PartitionScorer.ERROR).isNotNull(), 1)
            .otherwise(0))).first();
    List<String> firstErrors = written.filter(functions.col(PartitionScorer.ERROR).isNotNull())
        .orderBy("idx").select(PartitionScorer.ERROR).limit(20).as(
            org.apache.spark.sql.Encoders.STRING()).collectAsList();
    writeResults(written, out.resolve(RESULTS));
    return new Summary(counts.getLong(0), counts.isNullAt(1) ? 0 : counts.getLong(1),
        counts.isNullAt(2) ? 0 : counts.getLong(2), counts.isNullAt(3) ? 0 : counts.getLong(3),
        seconds, firstErrors);
  }

  /** The transformer these options describe. */
  LagerJudge judge() {
    LagerJudge j = new LagerJudge().setModelDir(model).setPoints(points).setReasoning(reasoning)
        .setPairwise(pairwise).setAddSpecialTokens(!noSpecialTokens).setBatchSize(batchSize)
        .setMaxNewTokens(maxNewTokens).setMaxLength(maxLength).setDevice(device)
        .setStopAtFirstScore(stopAtFirstScore).setLogitLens(logitLens)
        .setReuseWeights(reuseWeights).setFailOnError(failOnError).setLayerLogits(layerLogits)
        .setResultJson(true);
    if (template != null) {
      j.setTemplate(template);
    }
    if (labels != null) {
      j.setLabels(labels);
    }
    if (values != null) {
      j.setValues(values);
    }
    if (anchor != null) {
      j.setAnchor(anchor);
    }
    if (backend != null) {
      j.setBackend(backend);
    }
    if (dtype != null) {
      j.setDtype(dtype);
    }
    if (weights != null) {
      j.setWeightsPath(weights);
    }
    if (isJsonLines()) {
      j.setJsonCol(JSON);
    }
    return j;
  }

  private static final String JSON = "input_json";

  private boolean isJsonLines() {
    String name = input.toLowerCase(Locale.ROOT);
    return name.endsWith(".jsonl") || name.endsWith(".json");
  }

  /**
   * The input's rows. JSON Lines become one row per non-blank line: its text, and its idx as
   * {@code lager score} numbers it (the line's {@code idx}, else its 0-based line number,
   * counting blank lines).
   */
  private Dataset<Row> read(SparkSession spark) {
    String name = input.toLowerCase(Locale.ROOT);
    if (name.endsWith(".parquet")) {
      return spark.read().parquet(input);
    }
    if (!isJsonLines()) {
      throw new InvalidInputException("--input " + input + ": expected a .jsonl or .parquet file");
    }
    if (!Files.exists(Path.of(input)) && !input.contains("://")) {
      throw new InvalidInputException("input file not found: " + input);
    }
    JavaRDD<Row> lines = spark.read().textFile(input).javaRDD().zipWithIndex()
        .filter(t -> !t._1().isBlank())
        .map(t -> RowFactory.create(idxOf(t._1(), t._2()), t._1()));
    StructType schema = DataTypes.createStructType(List.of(
        DataTypes.createStructField("idx", DataTypes.LongType, false),
        DataTypes.createStructField(JSON, DataTypes.StringType, false)));
    return spark.createDataFrame(lines, schema);
  }

  /** A line's idx: its integral {@code idx} field, else its line number. */
  static long idxOf(String line, long lineNumber) {
    try {
      JsonElement e = JsonParser.parseString(line);
      if (e.isJsonObject() && e.getAsJsonObject().has("idx")) {
        JsonElement idx = e.getAsJsonObject().get("idx");
        if (idx.isJsonPrimitive() && idx.getAsJsonPrimitive().isNumber()) {
          double v = idx.getAsDouble();
          if (v == Math.rint(v)) {
            return (long) v;
          }
        }
      }
    } catch (JsonParseException malformed) {
      // numbered by its line; the judge reports it
    }
    return lineNumber;
  }

  /**
   * Writes the scored samples of the committed Parquet as one JSON array in order of idx,
   * streaming a partition at a time through the driver.
   */
  private static void writeResults(Dataset<Row> written, Path file) {
    Iterator<String> it = written.filter(functions.col(PartitionScorer.RESULT_JSON).isNotNull())
        .orderBy("idx").select(PartitionScorer.RESULT_JSON)
        .as(org.apache.spark.sql.Encoders.STRING()).toLocalIterator();
    boolean[] none = {true};
    // --output was checked before the job ran (absent, or --overwrite): written whole or not at all
    OutputFile.replacing(file).writeText(w -> {
      w.write("[");
      while (it.hasNext()) {
        w.write(none[0] ? "\n" : ",\n");
        w.write(it.next());
        none[0] = false;
      }
      w.write("\n]\n");
    });
    if (none[0]) { // as lager score, which refuses to finish a run that scored nothing
      throw new LagerException("no row could be scored; see the error column of "
          + file.resolveSibling(PARQUET));
    }
  }
}
