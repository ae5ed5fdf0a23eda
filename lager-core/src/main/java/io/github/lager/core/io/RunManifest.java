package io.github.lager.core.io;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a scoring run's results depend on: the lager version, the model's fingerprint, the data
 * file's hash and every option that changes a number. It heads the partial results file, so that
 * {@code --resume} continues a run only with the same model, data and options, and names the
 * first field that differs.
 *
 * <p>Fields are strings in a fixed order; hashes are SHA-256 in hex. Nothing in it depends on the
 * time or the machine, so two runs of the same work have the same manifest.
 *
 * @param fields name to value, in the order they are written
 */
public record RunManifest(Map<String, String> fields) {
  /** The key of the manifest object in the partial file's first line. */
  public static final String KEY = "lager_manifest";

  public RunManifest {
    Objects.requireNonNull(fields, "fields");
    fields.forEach((k, v) -> {
      Objects.requireNonNull(k, "field name");
      Objects.requireNonNull(v, "value of " + k);
    });
    fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }

  /** The manifest as one JSON line: {@code {"lager_manifest": {...}}}. */
  public String toJsonLine() {
    JsonObject root = new JsonObject();
    root.add(KEY, toJson());
    return root.toString();
  }

  /** The fields as a JSON object. */
  public JsonObject toJson() {
    JsonObject o = new JsonObject();
    fields.forEach(o::addProperty);
    return o;
  }

  /** The manifest a JSON line holds, or empty when the line is not a manifest line. */
  public static Optional<RunManifest> fromJsonLine(String line) {
    JsonElement e;
    try {
      e = JsonParser.parseString(line);
    } catch (JsonParseException ex) {
      return Optional.empty();
    }
    if (!e.isJsonObject() || !e.getAsJsonObject().has(KEY)
        || !e.getAsJsonObject().get(KEY).isJsonObject()) {
      return Optional.empty();
    }
    return Optional.of(fromJson(e.getAsJsonObject().getAsJsonObject(KEY)));
  }

  /** A manifest from its JSON object (values are read as strings). */
  public static RunManifest fromJson(JsonObject o) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> f : o.entrySet()) {
      JsonElement v = f.getValue();
      fields.put(f.getKey(), v.isJsonPrimitive() ? v.getAsString() : v.toString());
    }
    return new RunManifest(fields);
  }

  /**
   * The first field whose value differs from {@code earlier}'s, in words
   * ({@code "points: 5 in the earlier run, 7 in this one"}), or empty when they agree.
   */
  public Optional<String> firstDifference(RunManifest earlier) {
    Set<String> names = new LinkedHashSet<>(fields.keySet());
    names.addAll(earlier.fields.keySet());
    for (String name : names) {
      String now = fields.getOrDefault(name, "(absent)");
      String then = earlier.fields.getOrDefault(name, "(absent)");
      if (!now.equals(then)) {
        return Optional.of(name + ": " + then + " in the earlier run, " + now + " in this one");
      }
    }
    return Optional.empty();
  }
}
