package io.github.lager.core.calibration;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonWriter;
import io.github.lager.core.InvalidInputException;
import io.github.lager.core.io.FileErrors;
import io.github.lager.core.io.InputFile;
import io.github.lager.core.io.JsonFields;
import io.github.lager.core.io.JsonFile;
import io.github.lager.core.io.OutputFile;
import io.github.lager.core.math.LabelSet;
import io.github.lager.core.math.ScoreMethod;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Calibration files: one map per score from the judge's score to the human scale, with the data
 * they were fitted on.
 *
 * <pre>{@code
 * {
 *   "format": "lager-calibration",
 *   "version": 1,
 *   "method": "linear",                    // or "isotonic"
 *   "points": 5,                           // the number of labels of the scale fitted on
 *   "labels": ["1", ...], "label_values": [1, ...],   // that label set
 *   "scores": {
 *     "lager_wo": {"intercept": -7.6, "slope": 3.5},          // linear
 *     "e_score": {"x": [1.02, 1.4, ...], "y": [1.33, 1.5, ...]} // isotonic knots
 *   },
 *   "provenance": {"training_data": "valid.json", "training_data_sha256": "9f2c...",
 *                  "training_samples": 1000, "weights": "w.json", "lager_version": "0.1.0"}
 * }
 * }</pre>
 */
public final class CalibrationJson {
  static final String FORMAT = "lager-calibration";
  static final int VERSION = 1;

  private CalibrationJson() {}

  /**
   * Writes {@code file} whole or not at all ({@link OutputFile}: a temporary file beside it,
   * forced and renamed); an existing file is replaced.
   */
  public static void write(Path file, Calibration calibration) {
    write(OutputFile.replacing(file), calibration);
  }

  /** Writes a checked output ({@link OutputFile#checkAll}) whole or not at all. */
  public static void write(OutputFile file, Calibration calibration) {
    JsonFile.write(file, w -> write(w, calibration));
  }

  public static void write(Writer writer, Calibration calibration) throws IOException {
    JsonWriter out = new JsonWriter(writer);
    out.setIndent("  ");
    out.beginObject();
    out.name("format").value(FORMAT);
    out.name("version").value(VERSION);
    out.name("method").value(calibration.method().key());
    out.name("points").value(calibration.labelSet().size());
    JsonFields.writeLabels(out, calibration.labelSet(), "labels", "label_values");
    out.name("scores").beginObject();
    for (Map.Entry<ScoreMethod, CalibrationMap> e : calibration.maps().entrySet()) {
      out.name(e.getKey().key()).beginObject();
      if (e.getValue() instanceof CalibrationMap.Linear l) {
        out.name("intercept").value(l.intercept());
        out.name("slope").value(l.slope());
      } else if (e.getValue() instanceof CalibrationMap.Isotonic i) {
        out.name("x").beginArray();
        for (double v : i.x()) {
          out.value(v);
        }
        out.endArray();
        out.name("y").beginArray();
        for (double v : i.y()) {
          out.value(v);
        }
        out.endArray();
      }
      out.endObject();
    }
    out.endObject();
    Calibration.Provenance p = calibration.provenance();
    out.name("provenance").beginObject();
    out.name("training_data").value(p.trainingData());
    out.name("training_data_sha256").value(p.trainingDataSha256());
    out.name("training_samples").value(p.trainingSamples());
    if (p.weights().isPresent()) {
      out.name("weights").value(p.weights().get());
    }
    out.name("lager_version").value(p.lagerVersion());
    out.endObject();
    out.endObject();
    writer.write("\n");
    out.flush();
  }

  public static Calibration read(Path file) {
    try (Reader r = InputFile.reader(file)) {
      return read(r, file.toString());
    } catch (NoSuchFileException e) {
      throw new InvalidInputException("calibration file not found: " + file, e);
    } catch (IOException e) {
      throw FileErrors.reading(file, e);
    }
  }

  /** @param source the name used in messages */
  public static Calibration read(Reader reader, String source) {
    JsonElement root;
    try {
      root = JsonParser.parseReader(reader);
    } catch (JsonParseException e) {
      throw new InvalidInputException(source + ": malformed JSON: " + JsonFields.rootMessage(e),
          e);
    }
    JsonFields f = new JsonFields(root, source);
    if (!f.has("format") || !FORMAT.equals(f.string("format"))) {
      throw f.fail("format", "must be \"" + FORMAT + "\"; is this a lager calibration file?");
    }
    if (f.integer("version") != VERSION) {
      throw f.fail("version", "is " + f.integer("version") + "; this lager reads version "
          + VERSION);
    }
    CalibrationMethod method;
    try {
      method = CalibrationMethod.byKey(f.string("method"));
    } catch (IllegalArgumentException e) {
      throw f.fail("method", e.getMessage());
    }
    int points = Math.toIntExact(f.integer("points"));
    // labels and label_values: absent in files written before lager had label sets ("1".."K")
    LabelSet labelSet = f.optionalLabels("labels", "label_values").orElseGet(() -> {
      try {
        return LabelSet.of(points);
      } catch (IllegalArgumentException e) {
        throw f.fail("points", e.getMessage());
      }
    });
    if (labelSet.size() != points) {
      throw f.fail("points", "is " + points + " but the file lists " + labelSet.size() + " labels");
    }
    JsonElement scores = f.get("scores");
    if (!scores.isJsonObject() || scores.getAsJsonObject().size() == 0) {
      throw f.fail("scores", "must be an object with a map for at least one score");
    }
    Map<ScoreMethod, CalibrationMap> maps = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> e : scores.getAsJsonObject().entrySet()) {
      String field = "scores." + e.getKey();
      ScoreMethod score;
      try {
        score = ScoreMethod.byKey(e.getKey());
      } catch (IllegalArgumentException ex) {
        throw f.fail(field, "names no score lager knows (" + ex.getMessage() + ")");
      }
      JsonFields m = new JsonFields(e.getValue(), source + " " + field);
      try {
        if (method == CalibrationMethod.LINEAR) {
          maps.put(score, new CalibrationMap.Linear(m.number("intercept"), m.number("slope")));
        } else {
          JsonElement x = m.get("x");
          JsonElement y = m.get("y");
          if (!x.isJsonArray() || !y.isJsonArray()) {
            throw f.fail(field, "must hold the knots as arrays x and y");
          }
          maps.put(score, new CalibrationMap.Isotonic(m.numbers(x.getAsJsonArray(), "x"),
              m.numbers(y.getAsJsonArray(), "y")));
        }
      } catch (IllegalArgumentException ex) {
        throw f.fail(field, ex.getMessage());
      }
    }
    JsonFields p = new JsonFields(f.get("provenance"), source + " provenance");
    Calibration.Provenance provenance = new Calibration.Provenance(p.string("training_data"),
        p.string("training_data_sha256"), Math.toIntExact(p.integer("training_samples")),
        p.optionalString("weights"), p.string("lager_version"));
    try {
      return new Calibration(method, labelSet, maps, provenance);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(source + ": " + e.getMessage(), e);
    }
  }
}
