package io.github.lager.core.io;

import com.google.gson.JsonElement;
import com.google.gson.JsonPrimitive;
import io.github.lager.core.InvalidInputException;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One top-level field of every sample of a results file, by {@code idx}: the labels and groups
 * that lager's own formats do not model (a FLASK skill, an "answerable" flag). Strings are taken
 * as they are, booleans as {@code true}/{@code false}, numbers as written ({@code 1},
 * {@code 1.0}). A sample without the field, or with an array, object or null in it, fails with
 * the file, the sample and the field named.
 */
public final class SampleFields {
  private SampleFields() {}

  public static Map<Long, String> read(Path file, String field) {
    try (Reader in = InputFile.reader(file)) {
      return read(in, file.toString(), field);
    } catch (NoSuchFileException e) {
      throw new InvalidInputException("results file not found: " + file, e);
    } catch (IOException e) {
      throw FileErrors.reading(file, e);
    }
  }

  /** @param source the name used in messages */
  public static Map<Long, String> read(Reader in, String source, String field) {
    Objects.requireNonNull(field, "field");
    Map<Long, String> values = new LinkedHashMap<>();
    ResultsJson.forEachObject(in, source, null, (element, where) -> {
      JsonFields f = new JsonFields(element, where);
      long idx = f.integer("idx");
      JsonFields g = new JsonFields(element, where + " (idx " + idx + ")");
      JsonElement value = g.get(field);
      if (!value.isJsonPrimitive()) {
        throw g.fail(field, "must be a string, number or boolean, found " + JsonFields.kind(value));
      }
      JsonPrimitive p = value.getAsJsonPrimitive();
      String text = p.getAsString();
      String before = values.putIfAbsent(idx, text);
      if (before != null && !before.equals(text)) {
        throw g.fail(field, "is \"" + text + "\" but an earlier sample with idx " + idx
            + " has \"" + before + "\"");
      }
    });
    return values;
  }
}
