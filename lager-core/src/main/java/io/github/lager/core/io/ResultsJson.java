package io.github.lager.core.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import io.github.lager.core.InvalidInputException;
import io.github.lager.core.LagerException;
import io.github.lager.core.math.Distributions;
import io.github.lager.core.math.LabelSet;
import io.github.lager.core.math.LayerLogits;
import io.github.lager.core.math.LayerWeights;
import io.github.lager.core.math.PairwiseScore;
import io.github.lager.core.math.ScoreMethod;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The reference's results file (docs/method.md section 5), read and written so that results move
 * between the Python original and lager in both directions.
 *
 * <p>A JSON array, one object per sample: {@code idx}, {@code prompt}, {@code human_score},
 * {@code direct_socre}, {@code weighted_socre}, {@code weighted_direct_socre} (the misspellings
 * are the reference's) and {@code df}, a pandas {@code DataFrame.to_dict()}: column to
 * {row index as a string to value}, with the columns {@code layer_n}, {@code direct_score},
 * {@code weighted_score}, {@code probs} and {@code logits}. lager adds {@code generated_ids} and
 * {@code score_step}, the label set ({@code score_labels}, {@code score_values}; a file without
 * them is on the labels "1".."K") and, for a sample judged in both orders, the swapped order's
 * judgment ({@code swapped}) and the pairwise scores ({@code pairwise}), which the reference
 * ignores.
 *
 * <p>Reading is streaming, accepts Python's {@code NaN}/{@code Infinity} words (to reject them with
 * a clear message) and also accepts JSON Lines of the same objects. Every error names the file,
 * the sample's position and its {@code idx}.
 */
public final class ResultsJson {
  private ResultsJson() {}

  /** What a results file held: its usable samples and one message per sample left out. */
  public record Contents(List<ScoredSample> samples, List<String> problems) {
    public Contents {
      samples = List.copyOf(samples);
      problems = List.copyOf(problems);
    }
  }

  /** Reads every sample of {@code file}; fails on the first malformed one and on an empty file. */
  public static List<ScoredSample> read(Path file) {
    try (Reader in = InputFile.reader(file)) {
      return read(in, file.toString());
    } catch (NoSuchFileException e) {
      throw new InvalidInputException("results file not found: " + file, e);
    } catch (IOException e) {
      throw FileErrors.reading(file, e);
    }
  }

  /**
   * Reads every sample from {@code in}; fails on the first malformed one and when there is none.
   *
   * @param source the name used in messages (a file name)
   */
  public static List<ScoredSample> read(Reader in, String source) {
    return read(in, source, false).samples();
  }

  /**
   * Reads the samples of {@code in}.
   *
   * @param skipBad leave out a sample that cannot be used (a missing or non-finite field; in JSON
   *     Lines also a malformed line) and report it in {@link Contents#problems()} instead of
   *     failing; a JSON array that is not well-formed still fails, as nothing after the fault can
   *     be trusted
   */
  public static Contents read(Reader in, String source, boolean skipBad) {
    List<ScoredSample> samples = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    List<String> report = skipBad ? problems : null;
    Map<Long, String> first = new HashMap<>();
    forEachObject(in, source, report, (e, where) -> addOrReport(e, where, samples, first, report));
    if (samples.isEmpty()) {
      throw new InvalidInputException(source + ": holds no samples"
          + (problems.isEmpty() ? "" : " that can be used; first problem: " + problems.get(0)));
    }
    return new Contents(samples, problems);
  }

  /**
   * Adds the sample at {@code where}, or reports why it cannot be used; an {@code idx} the file
   * already holds ({@code first}: idx to where) is one of those, as no one can tell which of the
   * two is meant.
   */
  private static void addOrReport(JsonElement e, String where, List<ScoredSample> samples,
      Map<Long, String> first, List<String> problems) {
    try {
      ScoredSample s = parse(e, where);
      String before = first.putIfAbsent(s.idx(), where);
      if (before != null) {
        throw new InvalidInputException(where + ": idx " + s.idx() + " appears twice in the file"
            + " (first at " + before.substring(before.indexOf(": ") + 2) + "); each sample needs"
            + " its own idx");
      }
      samples.add(s);
    } catch (InvalidInputException ex) {
      if (problems == null) {
        throw ex;
      }
      problems.add(ex.getMessage());
    }
  }

  /** What {@link #forEachObject} hands on: one sample object and where it is, for messages. */
  interface ObjectVisitor {
    void visit(JsonElement sample, String where);
  }

  /**
   * Reads the sample objects of a results file (a JSON array or JSON Lines, a partial file's run
   * manifest line skipped) one at a time; {@code where} is {@code source: sample #i} (JSON Lines:
   * {@code source:line: sample #i}). Fails on malformed JSON, except a malformed JSON Lines line
   * when {@code lineProblems} collects it.
   */
  static void forEachObject(Reader in, String source, List<String> lineProblems,
      ObjectVisitor visitor) {
    BufferedReader buffered = in instanceof BufferedReader b ? b : new BufferedReader(in);
    int count = 0;
    try {
      if (firstNonBlank(buffered) == '[') {
        JsonReader reader = new JsonReader(buffered);
        reader.setStrictness(Strictness.LENIENT);
        reader.beginArray();
        while (reader.hasNext()) {
          JsonElement e = JsonParser.parseReader(reader);
          visitor.visit(e, source + ": sample #" + count++);
        }
        reader.endArray();
        if (reader.peek() != JsonToken.END_DOCUMENT) {
          throw new InvalidInputException(source + ": unexpected content after the JSON array");
        }
      } else {
        String line;
        int lineNo = 0;
        while ((line = buffered.readLine()) != null) {
          lineNo++;
          if (line.isBlank() || (lineNo == 1 && RunManifest.fromJsonLine(line).isPresent())
              || (lineNo == 2 && line.startsWith("{\"" + IncrementalResults.RESOLVED_KEY + "\""))) {
            continue; // a partial file's run manifest and resolved settings
          }
          String where = source + ":" + lineNo;
          JsonElement e;
          try {
            e = parseLine(line, where);
          } catch (InvalidInputException x) {
            if (lineProblems == null) {
              throw x;
            }
            lineProblems.add(x.getMessage());
            continue;
          }
          visitor.visit(e, where + ": sample #" + count++);
        }
      }
    } catch (JsonParseException | IllegalStateException e) {
      throw new InvalidInputException(
          source + ": malformed JSON after " + count + " samples: " + JsonFields.rootMessage(e), e);
    } catch (IOException e) {
      throw new LagerException("cannot read " + source + ": " + FileErrors.reason(e, false), e);
    }
  }

  private static JsonElement parseLine(String line, String where) {
    try {
      return JsonParser.parseString(line);
    } catch (JsonParseException e) {
      throw new InvalidInputException(where + ": malformed JSON: "
          + JsonFields.rootMessage(e), e);
    }
  }

  /**
   * The first character that is not blank, the reader left at the start of the text: after a
   * byte order mark (which a Windows editor may write first), blank lines kept so that JSON Lines
   * numbers its lines as the file does.
   */
  private static int firstNonBlank(BufferedReader in) throws IOException {
    in.mark(1);
    if (in.read() != '\uFEFF') {
      in.reset();
    }
    in.mark(1 << 16);
    int c;
    int read = 0;
    do {
      c = in.read();
      read++;
    } while (c != -1 && Character.isWhitespace(c) && read < 1 << 16);
    in.reset();
    return c;
  }

  /** One sample object; {@code where} locates it for messages. */
  static ScoredSample parse(JsonElement element, String where) {
    JsonFields f = new JsonFields(element, where);
    long idx = f.integer("idx");
    JsonFields g = new JsonFields(element, where + " (idx " + idx + ")");
    // score_labels, score_values: written by lager; absent in the reference's files ("1".."K")
    Optional<LabelSet> labelSet = g.optionalLabels("score_labels", "score_values");
    Optional<HumanScore> human = g.optionalHumanScore("human_score");
    ScoredSample first = judgment(g, idx, human, labelSet);
    if (!g.has("swapped")) {
      return first;
    }
    JsonFields b = new JsonFields(g.get("swapped"), g.where() + " swapped order");
    try {
      return first.withSwapped(judgment(b, idx, human, labelSet));
    } catch (IllegalArgumentException e) {
      throw g.fail("swapped", e.getMessage());
    }
  }

  /** The judgment fields of one order: the three scores, {@code df}, the generated ids and step. */
  private static ScoredSample judgment(JsonFields g, long idx, Optional<HumanScore> human,
      Optional<LabelSet> labelSet) {
    double eScore = g.number("weighted_socre");
    double direct = g.number("direct_socre");
    double meanDirect = g.number("weighted_direct_socre");
    Optional<LayerLogits> logits = Optional.empty();
    if (eScore != ScoredSample.INVALID) {
      for (String field : new String[] {"weighted_socre", "direct_socre", "weighted_direct_socre"}) {
        if (!Double.isFinite(g.number(field))) {
          throw g.fail(field, "is " + g.number(field) + "; a valid sample needs a finite score");
        }
      }
      logits = Optional.of(logits(g));
      if (labelSet.isPresent() && labelSet.get().size() != logits.get().points()) {
        throw g.fail("score_labels", "lists " + labelSet.get().size() + " labels ("
            + labelSet.get().describe() + ") but df.logits has " + logits.get().points()
            + " per entry");
      }
    }
    Optional<int[]> generated = Optional.empty();
    if (g.has("generated_ids")) {
      JsonElement ids = g.get("generated_ids");
      if (!ids.isJsonArray()) {
        throw g.fail("generated_ids", "must be an array of token ids");
      }
      JsonArray a = ids.getAsJsonArray();
      int[] out = new int[a.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = Math.toIntExact(g.integer(a.get(i), "generated_ids[" + i + "]"));
      }
      generated = Optional.of(out);
    }
    Optional<Integer> scoreStep =
        g.has("score_step") ? Optional.of(Math.toIntExact(g.integer("score_step"))) : Optional.empty();
    return new ScoredSample(idx, g.optionalString("prompt"), human, direct, eScore, meanDirect,
        logits, generated, scoreStep, labelSet, Optional.empty());
  }

  /** {@code df.logits}: {"0": [z_1..z_K], "1": [...], ...} (or a plain array of rows). */
  private static LayerLogits logits(JsonFields g) {
    JsonElement df = g.get("df");
    if (!df.isJsonObject()) {
      throw g.fail("df", "must be an object (a pandas to_dict), found " + JsonFields.kind(df));
    }
    JsonFields dff = new JsonFields(df, g.where());
    if (!dff.has("logits")) {
      throw g.fail("df.logits", "is missing; a valid sample (weighted_socre != -1) needs the "
          + "per-layer score logits");
    }
    JsonElement column = dff.get("logits");
    List<JsonElement> rows = new ArrayList<>();
    if (column.isJsonArray()) {
      column.getAsJsonArray().forEach(rows::add);
    } else if (column.isJsonObject()) {
      JsonObject o = column.getAsJsonObject();
      for (int l = 0; l < o.size(); l++) {
        if (!o.has(Integer.toString(l))) {
          throw g.fail("df.logits", "has " + o.size() + " rows but no row \"" + l
              + "\"; expected rows \"0\"..\"" + (o.size() - 1) + "\"");
        }
        rows.add(o.get(Integer.toString(l)));
      }
    } else {
      throw g.fail("df.logits", "must be an object of rows, found " + JsonFields.kind(column));
    }
    float[][] z = new float[rows.size()][];
    for (int l = 0; l < z.length; l++) {
      String field = "df.logits[\"" + l + "\"]";
      if (!rows.get(l).isJsonArray()) {
        throw g.fail(field, "must be an array of score logits, found "
            + JsonFields.kind(rows.get(l)));
      }
      double[] v = g.numbers(rows.get(l).getAsJsonArray(), field);
      z[l] = new float[v.length];
      for (int k = 0; k < v.length; k++) {
        if (!Double.isFinite(v[k])) {
          throw g.fail(field, "holds " + v[k] + " for score " + (k + 1)
              + "; logits must be finite (a NaN or Inf here usually means an fp16 overflow)");
        }
        z[l][k] = (float) v[k];
      }
    }
    try {
      return LayerLogits.of(z);
    } catch (IllegalArgumentException e) {
      throw g.fail("df.logits", e.getMessage());
    }
  }

  /** One sample as a compact JSON line (for JSON Lines results); no tuned pairwise scores. */
  public static String toJsonLine(ScoredSample s, Map<String, Double> extraScores) {
    return toJsonLine(s, extraScores, null);
  }

  /**
   * One sample as a compact JSON line (for JSON Lines results).
   *
   * @param weights the layer weights, for the tuned scores of a pairwise sample's {@code pairwise}
   *     section; null: the untuned ones only
   */
  public static String toJsonLine(ScoredSample s, Map<String, Double> extraScores,
      LayerWeights weights) {
    StringWriter w = new StringWriter();
    JsonWriter out = new JsonWriter(w);
    out.setStrictness(Strictness.LENIENT);
    try {
      writeObject(out, s, extraScores, weights);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  static void writeObject(JsonWriter out, ScoredSample s, Map<String, Double> extraScores,
      LayerWeights weights) throws IOException {
    out.beginObject();
    out.name("idx").value(s.idx());
    writeJudgment(out, s, true);
    if (s.labelSet().isPresent()) {
      JsonFields.writeLabels(out, s.labelSet().get(), "score_labels", "score_values");
    }
    for (Map.Entry<String, Double> e : extraScores.entrySet()) {
      out.name(e.getKey()).value(e.getValue());
    }
    if (s.swapped().isPresent()) {
      out.name("swapped").beginObject();
      writeJudgment(out, s.swapped().get(), false);
      out.endObject();
      Map<ScoreMethod, PairwiseScore> pairwise = s.pairwiseScores(weights);
      if (!pairwise.isEmpty()) {
        out.name("pairwise").beginObject();
        for (Map.Entry<ScoreMethod, PairwiseScore> e : pairwise.entrySet()) {
          writePairwise(out, e.getKey().key(), e.getValue());
        }
        out.endObject();
      }
    }
    out.endObject();
  }

  /** The fields of one order's judgment; {@code first}: with the sample's human score. */
  private static void writeJudgment(JsonWriter out, ScoredSample s, boolean first)
      throws IOException {
    if (s.prompt().isPresent()) {
      out.name("prompt").value(s.prompt().get());
    }
    if (first && s.humanScore().isPresent()) {
      out.name("human_score");
      writeHuman(out, s.humanScore().get());
    }
    out.name("direct_socre").value(s.directScore());
    out.name("weighted_socre").value(s.eScore());
    out.name("weighted_direct_socre").value(s.weightedDirectScore());
    out.name("df");
    writeFrame(out, s.logits(), s.labelSet());
    if (s.generatedIds().isPresent()) {
      out.name("generated_ids").beginArray();
      for (int id : s.generatedIds().get()) {
        out.value(id);
      }
      out.endArray();
    }
    if (s.scoreStep().isPresent()) {
      out.name("score_step").value(s.scoreStep().get());
    }
  }

  /**
   * {@code "lager_wo": {"ab": {"p_a", "p_tie", "p_b", "score"}, "ba": {...}, "mean": {...},
   * "outcome": "A"|"tie"|"B", "swap_consistent": true|false}}; {@code ba} is mapped back to the
   * order (A, B).
   */
  private static void writePairwise(JsonWriter out, String key, PairwiseScore p)
      throws IOException {
    out.name(key).beginObject();
    writeOrder(out, "ab", p.ab(), p.scoreAb());
    if (p.ba().isPresent()) {
      writeOrder(out, "ba", p.ba().get(), p.scoreBa().getAsDouble());
    }
    writeOrder(out, "mean", p.mean(), p.score());
    out.name("outcome").value(p.outcome().key());
    if (p.swapConsistent().isPresent()) {
      out.name("swap_consistent").value(p.swapConsistent().get());
    }
    out.endObject();
  }

  private static void writeOrder(JsonWriter out, String name, PairwiseScore.Probabilities p,
      double score) throws IOException {
    out.name(name).beginObject();
    out.name("p_a").value(p.a());
    out.name("p_tie").value(p.tie());
    out.name("p_b").value(p.b());
    out.name("score").value(score);
    out.endObject();
  }

  private static void writeHuman(JsonWriter out, HumanScore h) throws IOException {
    if (h.isList()) {
      out.beginArray();
    }
    for (double v : h.values()) {
      JsonFields.writeNumber(out, v);
    }
    if (h.isList()) {
      out.endArray();
    }
  }

  /**
   * The pandas frame, its direct and weighted scores over the labels' values; an invalid sample
   * gets the reference's one row of -1.
   */
  private static void writeFrame(JsonWriter out, Optional<LayerLogits> logits,
      Optional<LabelSet> labelSet) throws IOException {
    out.beginObject();
    if (logits.isEmpty()) {
      for (String column : new String[] {"layer_n", "direct_score", "weighted_score", "probs"}) {
        out.name(column).beginObject().name("0").value(-1).endObject();
      }
    } else {
      LayerLogits z = logits.get();
      LabelSet labels = labelSet.orElseThrow();
      int n = z.entries();
      double[][] probs = new double[n][];
      for (int l = 0; l < n; l++) {
        probs[l] = Distributions.softmax(z.rowAsDouble(l));
      }
      writeColumn(out, "layer_n", n, l -> out.value(l));
      writeColumn(out, "direct_score", n, l -> JsonFields.writeNumber(out, labels.argmaxValue(probs[l])));
      writeColumn(out, "weighted_score", n, l -> out.value(labels.expectation(probs[l])));
      writeColumn(out, "probs", n, l -> {
        out.beginArray();
        for (double p : probs[l]) {
          out.value(p);
        }
        out.endArray();
      });
      writeColumn(out, "logits", n, l -> {
        out.beginArray();
        for (float v : z.row(l)) {
          out.value((double) v);
        }
        out.endArray();
      });
    }
    out.endObject();
  }

  private interface Cell {
    void write(int row) throws IOException;
  }

  private static void writeColumn(JsonWriter out, String name, int rows, Cell cell)
      throws IOException {
    out.name(name).beginObject();
    for (int l = 0; l < rows; l++) {
      out.name(Integer.toString(l));
      cell.write(l);
    }
    out.endObject();
  }

  /** Writes {@code samples} to {@code file} as one JSON array. */
  public static void write(Path file, List<ScoredSample> samples) {
    try (ResultsWriter w = ResultsWriter.open(file)) {
      for (ScoredSample s : samples) {
        w.write(s);
      }
    }
  }

  /**
   * Writes samples one at a time, flushing after each, so that a long run keeps what it has
   * written. Close it to end the JSON array.
   */
  public static final class ResultsWriter implements Closeable {
    private final JsonWriter out;
    private final String target;

    private ResultsWriter(Writer writer, String target) throws IOException {
      this.target = target;
      this.out = new JsonWriter(writer);
      out.setIndent("    ");
      out.setStrictness(Strictness.LENIENT);
      out.beginArray();
      out.flush();
    }

    public static ResultsWriter open(Path file) {
      try {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        return new ResultsWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8),
            file.toString());
      } catch (IOException e) {
        throw FileErrors.writing(file, e);
      }
    }

    public static ResultsWriter to(Writer writer, String target) {
      try {
        return new ResultsWriter(writer, target);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + target, e);
      }
    }

    public void write(ScoredSample s) {
      write(s, Map.of());
    }

    /**
     * Writes one sample with extra per-sample scores as top-level fields (e.g. {@code lager_wo});
     * the reference ignores fields it does not know.
     */
    public void write(ScoredSample s, Map<String, Double> extraScores) {
      try {
        writeObject(out, s, extraScores, null);
        out.flush();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + target, e);
      }
    }

    /** Ends the JSON array and closes the file. */
    @Override
    public void close() {
      try {
        out.endArray();
        out.close();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + target, e);
      }
    }
  }
}
