package io.github.lager.core.io;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The part of a JSON parser's error a user can act on: where the text is malformed and what was
 * found, in one line, without the parser's advice to its own programmers (gson's "Use
 * JsonReader.setStrictness(...)" and its troubleshooting URL on a second line).
 */
public final class JsonErrors {
  private static final Pattern ADVICE = Pattern.compile(
      "Use JsonReader\\.setLenient\\(true\\) to accept malformed JSON"
          + "|Use JsonReader\\.setStrictness\\(Strictness\\.LENIENT\\) to accept malformed JSON");
  private static final Pattern URL = Pattern.compile("\\s*See https?://\\S+");

  private JsonErrors() {}

  /**
   * One line: the deepest cause's message, its first line, with gson's advice replaced by
   * "malformed JSON" and its URL removed; e.g. {@code "Expected name at line 1 column 30 path
   * $[0].human_score"}.
   */
  public static String message(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = Optional.ofNullable(t.getMessage()).orElse(t.getClass().getSimpleName());
    m = URL.matcher(m).replaceAll("");
    m = ADVICE.matcher(m).replaceAll("malformed JSON");
    int newline = m.indexOf('\n');
    if (newline >= 0) {
      m = m.substring(0, newline);
    }
    return m.strip();
  }
}
