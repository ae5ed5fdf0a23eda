package io.github.lager.core.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.stream.JsonWriter;
import io.github.lager.core.InvalidInputException;
import io.github.lager.core.math.LabelSet;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Typed reads of JSON fields that fail with the location of the bad field: every message starts
 * with {@code where} (a file and line, or a file and sample) and names the field.
 */
public final class JsonFields {
  private final JsonObject object;
  private final String where;

  public JsonFields(JsonElement element, String where) {
    if (!element.isJsonObject()) {
      throw new InvalidInputException(where + ": expected a JSON object, found " + kind(element));
    }
    this.object = element.getAsJsonObject();
    this.where = where;
  }

  public String where() {
    return where;
  }

  /** The object itself. */
  public JsonObject object() {
    return object;
  }

  public boolean has(String field) {
    return object.has(field) && !object.get(field).isJsonNull();
  }

  public JsonElement get(String field) {
    if (!has(field)) {
      throw fail(field, "is missing");
    }
    return object.get(field);
  }

  public String string(String field) {
    JsonElement e = get(field);
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw fail(field, "must be a string, found " + kind(e));
    }
    return e.getAsString();
  }

  public Optional<String> optionalString(String field) {
    return has(field) ? Optional.of(string(field)) : Optional.empty();
  }

  public double number(String field) {
    return number(get(field), field);
  }

  public long integer(String field) {
    return integer(get(field), field);
  }

  public Optional<HumanScore> optionalHumanScore(String field) {
    if (!has(field)) {
      return Optional.empty();
    }
    JsonElement e = get(field);
    try {
      if (e.isJsonArray()) {
        return Optional.of(HumanScore.ofAnnotators(numbers(e.getAsJsonArray(), field)));
      }
      return Optional.of(HumanScore.of(number(e, field)));
    } catch (IllegalArgumentException ex) {
      throw fail(field, ex.getMessage());
    }
  }

  /**
   * A label set written as two arrays, the labels (strings) and their values (numbers), as
   * results, weights and calibration files record it; empty when neither field is there.
   */
  public Optional<LabelSet> optionalLabels(String labelsField, String valuesField) {
    if (!has(labelsField) && !has(valuesField)) {
      return Optional.empty();
    }
    JsonElement labels = get(labelsField);
    JsonElement values = get(valuesField);
    if (!labels.isJsonArray()) {
      throw fail(labelsField, "must be an array of strings, found " + kind(labels));
    }
    if (!values.isJsonArray()) {
      throw fail(valuesField, "must be an array of numbers, found " + kind(values));
    }
    List<String> l = new ArrayList<>();
    for (int i = 0; i < labels.getAsJsonArray().size(); i++) {
      JsonElement e = labels.getAsJsonArray().get(i);
      if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
        throw fail(labelsField + "[" + i + "]", "must be a string, found " + kind(e));
      }
      l.add(e.getAsString());
    }
    try {
      return Optional.of(LabelSet.of(l, numbers(values.getAsJsonArray(), valuesField)));
    } catch (IllegalArgumentException e) {
      throw fail(labelsField, e.getMessage());
    }
  }

  /** Writes a label set as {@link #optionalLabels} reads it. */
  public static void writeLabels(JsonWriter out, LabelSet labelSet, String labelsField,
      String valuesField) throws IOException {
    out.name(labelsField).beginArray();
    for (String label : labelSet.labels()) {
      out.value(label);
    }
    out.endArray();
    out.name(valuesField).beginArray();
    for (double v : labelSet.values()) {
      writeNumber(out, v);
    }
    out.endArray();
  }

  /** A number as JSON, an integral value without a fraction ({@code 3}, not {@code 3.0}). */
  public static void writeNumber(JsonWriter out, double v) throws IOException {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      out.value((long) v);
    } else {
      out.value(v);
    }
  }

  /** A JSON array of numbers; {@code field} names it in messages. */
  public double[] numbers(JsonArray array, String field) {
    double[] out = new double[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = number(array.get(i), field + "[" + i + "]");
    }
    return out;
  }

  public double number(JsonElement e, String field) {
    if (!e.isJsonPrimitive()) {
      throw fail(field, "must be a number, found " + kind(e));
    }
    JsonPrimitive p = e.getAsJsonPrimitive();
    String text = p.getAsString();
    // Python's json writes NaN and Infinity as bare words, which lenient parsing reads as strings.
    if (p.isString() && !(text.equals("NaN") || text.endsWith("Infinity"))) {
      throw fail(field, "must be a number, found the string \"" + text + "\"");
    }
    try {
      return Double.parseDouble(text);
    } catch (NumberFormatException ex) {
      throw fail(field, "must be a number, found " + text);
    }
  }

  public long integer(JsonElement e, String field) {
    double v = number(e, field);
    if (v != Math.rint(v) || Math.abs(v) > (1L << 53)) {
      throw fail(field, "must be an integer, found " + e);
    }
    return (long) v;
  }

  public InvalidInputException fail(String field, String problem) {
    return new InvalidInputException(where + ": field '" + field + "' " + problem);
  }

  public static String kind(JsonElement e) {
    if (e.isJsonObject()) {
      return "an object";
    }
    if (e.isJsonArray()) {
      return "an array";
    }
    if (e.isJsonNull()) {
      return "null";
    }
    JsonPrimitive p = e.getAsJsonPrimitive();
    return p.isString() ? "a string" : p.isBoolean() ? "a boolean" : "a number";
  }

  /** The innermost cause's message: what the JSON parser said, without wrapper prefixes. */
  public static String rootMessage(Throwable e) {
    return JsonErrors.message(e);
  }
}
