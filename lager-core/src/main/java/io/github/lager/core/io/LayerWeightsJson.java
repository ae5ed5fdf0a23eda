package io.github.lager.core.io;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonWriter;
import io.github.lager.core.InvalidInputException;
import io.github.lager.core.math.LayerWeights;
import io.github.lager.core.math.WeightsProvenance;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Layer-weight files: the tuned weights with their provenance, so that a file can be traced to the
 * data and settings that made it and is refused for a model with another layer count.
 *
 * <pre>{@code
 * {
 *   "format": "lager-layer-weights",
 *   "version": 1,
 *   "entries": 33,              // hidden-state entries L+1 of the model tuned on
 *   "weights": [0.03, ...],     // L weights, summing to 1
 *   "provenance": {"variant": "reference", "hyperparameters": {...}, "seed": 42, ...}
 * }
 * }</pre>
 */
public final class LayerWeightsJson {
  static final String FORMAT = "lager-layer-weights";
  static final int VERSION = 1;

  private LayerWeightsJson() {}

  /**
   * Writes {@code file} whole or not at all ({@link OutputFile}: a temporary file beside it,
   * forced and renamed); an existing file is replaced.
   */
  public static void write(Path file, LayerWeights weights) {
    write(OutputFile.replacing(file), weights);
  }

  /** Writes a checked output ({@link OutputFile#checkAll}) whole or not at all. */
  public static void write(OutputFile file, LayerWeights weights) {
    JsonFile.write(file, w -> write(w, weights));
  }

  public static void write(Writer writer, LayerWeights weights) throws IOException {
    JsonWriter out = new JsonWriter(writer);
    out.setIndent("  ");
    out.beginObject();
    out.name("format").value(FORMAT);
    out.name("version").value(VERSION);
    out.name("entries").value(weights.entries());
    out.name("weights").beginArray();
    for (double w : weights.weights()) {
      out.value(w);
    }
    out.endArray();
    if (weights.provenance().isPresent()) {
      WeightsProvenance p = weights.provenance().get();
      out.name("provenance").beginObject();
      out.name("variant").value(p.variant());
      out.name("hyperparameters").beginObject();
      for (Map.Entry<String, Double> e : p.hyperparameters().entrySet()) {
        out.name(e.getKey()).value(e.getValue());
      }
      out.endObject();
      out.name("seed").value(p.seed());
      out.name("entries").value(p.entries());
      out.name("training_data").value(p.trainingData());
      out.name("training_data_sha256").value(p.trainingDataSha256());
      out.name("training_samples").value(p.trainingSamples());
      out.name("lager_version").value(p.lagerVersion());
      if (p.labelSet().isPresent()) {
        JsonFields.writeLabels(out, p.labelSet().get(), "labels", "label_values");
      }
      out.endObject();
    }
    out.endObject();
    out.flush();
  }

  public static LayerWeights read(Path file) {
    try (Reader r = InputFile.reader(file)) {
      return read(r, file.toString());
    } catch (NoSuchFileException e) {
      throw new InvalidInputException("weights file not found: " + file, e);
    } catch (IOException e) {
      throw FileErrors.reading(file, e);
    }
  }

  /** @param source the name used in messages */
  public static LayerWeights read(Reader reader, String source) {
    JsonElement root;
    try {
      root = JsonParser.parseReader(reader);
    } catch (JsonParseException e) {
      throw new InvalidInputException(
          source + ": malformed JSON: " + JsonFields.rootMessage(e), e);
    }
    JsonFields f = new JsonFields(root, source);
    if (!f.has("format") || !FORMAT.equals(f.string("format"))) {
      throw f.fail("format", "must be \"" + FORMAT + "\"; is this a lager weights file?");
    }
    if (f.integer("version") != VERSION) {
      throw f.fail("version", "is " + f.integer("version") + "; this lager reads version " + VERSION);
    }
    JsonElement array = f.get("weights");
    if (!array.isJsonArray()) {
      throw f.fail("weights", "must be an array of numbers");
    }
    double[] w = f.numbers(array.getAsJsonArray(), "weights");
    long entries = f.integer("entries");
    if (entries != w.length + 1) {
      throw f.fail("entries", "is " + entries + " but the file holds " + w.length
          + " weights; a model with L hidden layers has L+1 entries and L weights");
    }
    Optional<WeightsProvenance> provenance = Optional.empty();
    if (f.has("provenance")) {
      JsonFields p = new JsonFields(f.get("provenance"), source + " provenance");
      Map<String, Double> hyper = new LinkedHashMap<>();
      JsonElement h = p.get("hyperparameters");
      if (!h.isJsonObject()) {
        throw p.fail("hyperparameters", "must be an object");
      }
      for (Map.Entry<String, JsonElement> e : h.getAsJsonObject().entrySet()) {
        hyper.put(e.getKey(), p.number(e.getValue(), "hyperparameters." + e.getKey()));
      }
      provenance = Optional.of(new WeightsProvenance(p.string("variant"), hyper, p.integer("seed"),
          Math.toIntExact(p.integer("entries")), p.string("training_data"),
          p.string("training_data_sha256"), Math.toIntExact(p.integer("training_samples")),
          p.string("lager_version"), p.optionalLabels("labels", "label_values")));
    }
    try {
      return new LayerWeights(w, provenance);
    } catch (IllegalArgumentException e) {
      throw f.fail("weights", e.getMessage());
    }
  }
}
