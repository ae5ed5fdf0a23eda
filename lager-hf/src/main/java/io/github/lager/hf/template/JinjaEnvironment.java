package io.github.lager.hf.template;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import com.hubspot.jinjava.tree.Node;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.Optional;

/**
 * The one jinjava configuration under which templates render byte-identically to Python's jinja2
 * as transformers configures it ({@code ImmutableSandboxedEnvironment(trim_blocks=True,
 * lstrip_blocks=True)}): whitespace control trimmed as Jinja2 trims it, natural operator
 * precedence, one trailing newline of the template dropped (Jinja2's
 * {@code keep_trailing_newline=False}), {@code raise_exception}, {@code strftime_now} and
 * transformers' {@code tojson} ({@code json.dumps} spacing, no HTML escaping). Chat templates
 * ({@link JinjaChatTemplate}) and prompt templates ({@link JinjaPromptTemplate}) both render here;
 * prompt templates are strict: an undefined variable is an error (Jinja2's
 * {@code StrictUndefined}), never an empty string.
 */
final class JinjaEnvironment {
  /** How many parsed templates one environment keeps (least recently used dropped first). */
  static final int PARSED_TEMPLATES = 64;

  private final Jinjava jinjava;
  /**
   * Parsed templates by source: a render re-parsed its template every time (1-4 ms of a prompt's
   * render). Only templates that parsed without any error or warning are kept.
   */
  private final Map<String, Node> parsed = java.util.Collections.synchronizedMap(
      new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Node> eldest) {
          return size() > PARSED_TEMPLATES;
        }
      });

  /**
   * @param strict fail on an undefined variable (prompt templates) instead of rendering it as
   *     nothing (chat templates, which test for optional variables by their truth)
   */
  JinjaEnvironment(boolean strict) {
    JinjavaConfig config = JinjavaConfig.newBuilder()
        .withTrimBlocks(true)
        .withLstripBlocks(false) // done the way Jinja2 does it, in source(): see there
        .withFailOnUnknownTokens(strict)
        .withLegacyOverrides(LegacyOverrides.newBuilder()
            .withUseTrimmingForNotesAndExpressions(true)
            .withParseWhitespaceControlStrictly(true)
            .withUseNaturalOperatorPrecedence(true)
            .withKeepNullableLoopValues(true)
            .withAllowAdjacentTextNodes(true)
            .build())
        .build();
    this.jinjava = new Jinjava(config);
    jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception",
        JinjaEnvironment.class, "raiseException", String.class));
    jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "strftime_now",
        JinjaEnvironment.class, "strftimeNow", String.class));
    jinjava.getGlobalContext().registerFilter(new PythonJsonFilter());
  }

  /**
   * Spaces and tabs from the start of a line up to a block tag or a comment (not a block tag
   * opened with a plus sign), which Jinja2's lstrip_blocks removes. jinjava's own lstripBlocks
   * also strips the whitespace before a tag in the middle of a line (the space of "a; " before an
   * endif tag), which Jinja2 keeps, so lager applies Jinja2's rule to the source instead.
   */
  private static final java.util.regex.Pattern LSTRIP =
      java.util.regex.Pattern.compile("(?m)^[ \\t]+(?=\\{%(?!\\+)|\\{#)");

  /**
   * A template's text prepared as Jinja2 reads it: one trailing newline dropped (Jinja2's
   * {@code keep_trailing_newline=False}) and {@code lstrip_blocks} applied.
   */
  static String source(String template) {
    String t = template.endsWith("\n") ? template.substring(0, template.length() - 1) : template;
    return LSTRIP.matcher(t).replaceAll("");
  }

  /** What went wrong in a render, when something did. */
  sealed interface Failure {
    /** {@code raise_exception(message)} in the template. */
    record Raised(String message) implements Failure {}

    /** An undefined variable of a strict render. */
    record Undefined(String name) implements Failure {}

    /** A filter neither Jinja2's built-ins (as jinjava has them) nor lager's define. */
    record UnknownFilter(String name, int line) implements Failure {}

    /** Any other fatal error, with the template line when known. */
    record Other(String message, int line) implements Failure {}
  }

  /** The text, or the first fatal error. */
  record Result(String output, Optional<Failure> failure) {}

  Result render(String source, Map<String, Object> context) {
    RenderResult result = renderParsed(source, context);
    for (TemplateError e : result.getErrors()) {
      if (e.getSeverity() != TemplateError.ErrorType.FATAL
          && e.getReason() == TemplateError.ErrorReason.SYNTAX_ERROR) {
        // jinjava renders an unclosed {{ or {% as text with a warning: a wrong prompt, silently
        int line = unclosedLine(source);
        return new Result("", Optional.of(new Failure.Other(String.valueOf(e.getMessage())
            .replace("Unclosed token", "an unclosed {{ or {%"), line > 0 ? line : e.getLineno())));
      }
      if (e.getSeverity() != TemplateError.ErrorType.FATAL) {
        continue;
      }
      Throwable cause = e.getException();
      while (cause != null && !(cause instanceof TemplateRaisedException)
          && cause.getCause() != null && cause.getCause() != cause) {
        cause = cause.getCause();
      }
      if (cause instanceof TemplateRaisedException raised) {
        return new Result("", Optional.of(new Failure.Raised(raised.getMessage())));
      }
      String message = e.getMessage() == null ? "" : e.getMessage();
      String unknown = "Unknown token found: ";
      int at = message.indexOf(unknown);
      if (at >= 0) {
        // jinjava names the whole expression ("answer | nosuchfilter"): an unknown filter in it
        // is the cause, not a missing variable
        String[] parts = message.substring(at + unknown.length()).strip().split("\\|");
        for (int i = 1; i < parts.length; i++) {
          String filter = parts[i].strip().split("[\\s(]", 2)[0];
          if (!filter.isEmpty() && jinjava.getGlobalContext().getFilter(filter) == null) {
            return new Result("", Optional.of(new Failure.UnknownFilter(filter, e.getLineno())));
          }
        }
        return new Result("", Optional.of(new Failure.Undefined(parts[0].strip())));
      }
      return new Result("", Optional.of(new Failure.Other(withoutJavaTypes(message),
          lineOf(source, e, message))));
    }
    return new Result(result.getOutput(), Optional.empty());
  }

  /** Whether the parse tree of {@code source} is kept (for tests). */
  boolean isParsed(String source) {
    return parsed.containsKey(source);
  }

  /**
   * Renders {@code source} from its cached parse tree as {@link Jinjava#renderForResult} renders it
   * (an interpreter on a copy of the global context, the bindings on top, one trailing newline of
   * the output dropped as jinjava's {@code keepTrailingNewline=false} does). A template that does
   * not parse cleanly, and any render that reports an error, go through {@code renderForResult}
   * itself, so errors and warnings are exactly jinjava's.
   */
  private RenderResult renderParsed(String source, Map<String, Object> context) {
    Node tree = parsed.get(source);
    if (tree == null) {
      JinjavaInterpreter parser = jinjava.newInterpreter();
      JinjavaInterpreter.pushCurrent(parser);
      try {
        tree = parser.parse(source);
      } finally {
        JinjavaInterpreter.popCurrent();
      }
      if (!parser.getErrors().isEmpty()) {
        return jinjava.renderForResult(source, context);
      }
      parsed.put(source, tree);
    }
    JinjavaInterpreter interpreter = jinjava.newInterpreter();
    interpreter.getContext().putAll(context);
    JinjavaInterpreter.pushCurrent(interpreter);
    String output;
    try {
      output = interpreter.render(tree, true);
    } catch (RuntimeException e) {
      return jinjava.renderForResult(source, context);
    } finally {
      JinjavaInterpreter.popCurrent();
    }
    if (!interpreter.getErrors().isEmpty()) {
      return jinjava.renderForResult(source, context);
    }
    if (!jinjava.getGlobalConfig().isKeepTrailingNewline() && output.endsWith("\n")) {
      output = output.substring(0, output.length() - 1);
    }
    return new RenderResult(output, interpreter.getContext(), interpreter.getErrorsCopy());
  }

  private static final java.util.regex.Pattern QUOTED = java.util.regex.Pattern.compile(
      "(?:Error parsing|Syntax error in) '(.+?)'(?::|$)");

  /**
   * The template's own line of an error. jinjava counts lines after its whitespace control
   * (trim_blocks, {@code -}) has removed newlines, so its number can be lines short; the text of
   * the failing expression or tag, found in the source, gives the line the user sees. jinjava's
   * number when the text cannot be found.
   */
  static int lineOf(String source, TemplateError e, String message) {
    String fragment = e.getFieldName();
    java.util.regex.Matcher m = QUOTED.matcher(message);
    if ((fragment == null || fragment.isBlank()) && m.find()) {
      fragment = m.group(1);
    }
    if (fragment != null && !fragment.isBlank()) {
      int at = source.indexOf(fragment.strip());
      if (at >= 0) {
        return 1 + (int) source.substring(0, at).chars().filter(c -> c == '\n').count();
      }
    }
    return e.getLineno();
  }

  /** The line of the first {@code {{} or {@code {%} that is not closed before the next one opens. */
  static int unclosedLine(String source) {
    java.util.regex.Matcher open = java.util.regex.Pattern.compile("\\{[{%]").matcher(source);
    while (open.find()) {
      String close = source.charAt(open.start() + 1) == '{' ? "}}" : "%}";
      int end = source.indexOf(close, open.end());
      java.util.regex.Matcher next = java.util.regex.Pattern.compile("\\{[{%]").matcher(source);
      boolean reopened = next.find(open.end()) && (end < 0 || next.start() < end);
      if (end < 0 || reopened) {
        return 1 + (int) source.substring(0, open.start()).chars().filter(c -> c == '\n').count();
      }
    }
    return -1;
  }

  /** jinjava's Java class names in words: {@code in class java.lang.String} is "on a text". */
  static String withoutJavaTypes(String message) {
    return message.replace(" in class java.lang.String", " on a text value")
        .replaceAll(" in class java\\.lang\\.(Long|Integer|Double|Float|Boolean)", " on a $1 value")
        .replaceAll(" in class java\\.util\\.\\w*List", " on a list")
        .replaceAll(" in class java\\.util\\.\\w*Map", " on a mapping")
        .replaceAll(" in class [\\w.]+\\.(\\w+)", " on a $1");
  }

  /** {@code raise_exception(message)} in templates. */
  public static String raiseException(String message) {
    throw new TemplateRaisedException(message);
  }

  /** {@code strftime_now(format)}: the local time in a Python strftime format. */
  public static String strftimeNow(String format) {
    return Strftime.format(format, ZonedDateTime.now());
  }

  /** Thrown by {@code raise_exception} inside a template. */
  static final class TemplateRaisedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TemplateRaisedException(String message) {
      super(message);
    }
  }

  /** transformers' {@code tojson}: {@code json.dumps(x, ensure_ascii=False)} with its spacing. */
  static final class PythonJsonFilter implements Filter {
    @Override
    public String getName() {
      return "tojson";
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
      Integer indent = args.length > 0 && args[0] != null ? Integer.valueOf(args[0]) : null;
      StringBuilder sb = new StringBuilder();
      PythonJson.write(var, indent, 0, sb);
      return sb.toString();
    }
  }
}
