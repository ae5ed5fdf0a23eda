package io.github.lager.hf.template;

import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

/**
 * {@code json.dumps(x, ensure_ascii=False, indent=indent)} for the values a chat template sees:
 * maps, lists, strings, numbers, booleans, null; Python's separators ({@code ", "} and
 * {@code ": "}, or {@code ","} at line ends when indenting).
 */
final class PythonJson {
  private PythonJson() {}

  static void write(Object v, Integer indent, int depth, StringBuilder sb) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof String s) {
      string(s, sb);
    } else if (v instanceof Boolean b) {
      sb.append(b ? "true" : "false");
    } else if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      sb.append(d == Math.rint(d) && Math.abs(d) < 1e16 ? String.valueOf((long) d) + ".0"
          : Double.toString(d));
    } else if (v instanceof Number n) {
      sb.append(n.toString());
    } else if (v instanceof Map<?, ?> m) {
      container('{', '}', m.entrySet().iterator(), m.isEmpty(), indent, depth, sb, (e, b) -> {
        Map.Entry<?, ?> entry = (Map.Entry<?, ?>) e;
        string(String.valueOf(entry.getKey()), b);
        b.append(": ");
        write(entry.getValue(), indent, depth + 1, b);
      });
    } else if (v instanceof Collection<?> c) {
      container('[', ']', c.iterator(), c.isEmpty(), indent, depth, sb,
          (e, b) -> write(e, indent, depth + 1, b));
    } else if (v instanceof Object[] a) {
      write(java.util.Arrays.asList(a), indent, depth, sb);
    } else {
      string(v.toString(), sb);
    }
  }

  private interface Item {
    void write(Object element, StringBuilder sb);
  }

  private static void container(char open, char close, Iterator<?> it, boolean empty,
      Integer indent, int depth, StringBuilder sb, Item item) {
    sb.append(open);
    if (empty) {
      sb.append(close);
      return;
    }
    boolean first = true;
    while (it.hasNext()) {
      if (!first) {
        sb.append(indent == null ? ", " : ",");
      }
      if (indent != null) {
        sb.append('\n').append(" ".repeat(indent * (depth + 1)));
      }
      item.write(it.next(), sb);
      first = false;
    }
    if (indent != null) {
      sb.append('\n').append(" ".repeat(indent * depth));
    }
    sb.append(close);
  }

  private static void string(String s, StringBuilder sb) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
