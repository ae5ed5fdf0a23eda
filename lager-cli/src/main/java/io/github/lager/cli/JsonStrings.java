package io.github.lager.cli;

import com.google.gson.JsonArray;
import java.util.List;

/** Lists written as JSON text, for manifest fields (which are strings). */
final class JsonStrings {
  private JsonStrings() {}

  /** {@code ["0","1","2"]}. */
  static String array(List<String> values) {
    JsonArray a = new JsonArray();
    values.forEach(a::add);
    return a.toString();
  }

  /** {@code [0.0,1.0,2.0]}. */
  static String numbers(double[] values) {
    JsonArray a = new JsonArray();
    for (double v : values) {
      a.add(v);
    }
    return a.toString();
  }
}
