package io.github.lager.hf.architecture;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.lager.core.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A {@code config.json} object (or its {@code text_config}) with typed reads; every problem names
 * the file and the field.
 */
public final class ConfigJson {
  private final JsonObject o;
  private final String where;

  public ConfigJson(JsonObject o, String where) {
    this.o = o;
    this.where = where;
  }

  /** The JSON object itself. */
  JsonObject json() {
    return o;
  }

  /** The file (and nested object) this was read from, for messages. */
  public String where() {
    return where;
  }

  /** Whether {@code name} is set (present and not null). */
  public boolean has(String name) {
    JsonElement e = o.get(name);
    return e != null && !e.isJsonNull();
  }

  public JsonElement get(String name) {
    if (!has(name)) {
      throw error("field '" + name + "' is missing");
    }
    return o.get(name);
  }

  public String string(String name) {
    try {
      return get(name).getAsString();
    } catch (UnsupportedOperationException | IllegalStateException e) {
      throw error("field '" + name + "' must be a string");
    }
  }

  public Optional<String> optionalString(String name) {
    return has(name) ? Optional.of(string(name)) : Optional.empty();
  }

  public int integer(String name) {
    try {
      return get(name).getAsInt();
    } catch (NumberFormatException | UnsupportedOperationException | IllegalStateException e) {
      throw error("field '" + name + "' must be an integer");
    }
  }

  public int integer(String name, int dflt) {
    return has(name) ? integer(name) : dflt;
  }

  /** An integer that counts something (layers, heads, a width): at least 1. */
  public int positive(String name) {
    int v = integer(name);
    if (v < 1) {
      throw error("field '" + name + "' is " + v + "; it must be a positive integer");
    }
    return v;
  }

  public int positive(String name, int dflt) {
    return has(name) ? positive(name) : dflt;
  }

  public double number(String name) {
    try {
      return get(name).getAsDouble();
    } catch (NumberFormatException | UnsupportedOperationException | IllegalStateException e) {
      throw error("field '" + name + "' must be a number");
    }
  }

  public double number(String name, double dflt) {
    return has(name) ? number(name) : dflt;
  }

  public boolean bool(String name, boolean dflt) {
    if (!has(name)) {
      return dflt;
    }
    JsonElement e = o.get(name);
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
      throw error("field '" + name + "' must be true or false");
    }
    return e.getAsBoolean();
  }

  /** A nested object, when set. */
  public Optional<ConfigJson> object(String name) {
    if (!has(name)) {
      return Optional.empty();
    }
    if (!o.get(name).isJsonObject()) {
      throw error("field '" + name + "' must be an object");
    }
    return Optional.of(new ConfigJson(o.getAsJsonObject(name), where + " " + name));
  }

  /** A list of strings, when set. */
  public Optional<List<String>> strings(String name) {
    if (!has(name)) {
      return Optional.empty();
    }
    List<String> out = new ArrayList<>();
    for (JsonElement e : array(name)) {
      out.add(e.getAsString());
    }
    return Optional.of(out);
  }

  /** A list of numbers. */
  public double[] numbers(String name) {
    JsonArray a = array(name);
    double[] out = new double[a.size()];
    for (int i = 0; i < out.length; i++) {
      try {
        out[i] = a.get(i).getAsDouble();
      } catch (NumberFormatException | UnsupportedOperationException | IllegalStateException e) {
        throw error("field '" + name + "' must be a list of numbers");
      }
    }
    return out;
  }

  /** One id or a list of ids ({@code eos_token_id}); empty when unset. */
  public int[] ids(String name) {
    if (!has(name)) {
      return new int[0];
    }
    JsonElement e = o.get(name);
    try {
      if (e.isJsonArray()) {
        JsonArray a = e.getAsJsonArray();
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
          out[i] = a.get(i).getAsInt();
        }
        return out;
      }
      return new int[] {e.getAsInt()};
    } catch (NumberFormatException | UnsupportedOperationException | IllegalStateException x) {
      throw error("field '" + name + "' must be an id or a list of ids");
    }
  }

  private JsonArray array(String name) {
    JsonElement e = get(name);
    if (!e.isJsonArray()) {
      throw error("field '" + name + "' must be a list");
    }
    return e.getAsJsonArray();
  }

  /** A bad-input error naming this file. */
  public InvalidInputException error(String message) {
    return new InvalidInputException(where + ": " + message);
  }
}
