package io.github.lager.hf.template;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.github.lager.core.InvalidInputException;
import io.github.lager.core.io.JudgeSample;
import io.github.lager.core.math.LabelSet;
import io.github.lager.core.math.LabelSetSyntax;
import io.github.lager.core.pipeline.Condition;
import io.github.lager.core.pipeline.PromptTemplate;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A prompt template: Jinja that turns a sample's fields into the judge prompt (the user message,
 * before the chat template), rendered by jinjava configured as Python's jinja2
 * ({@link JinjaEnvironment}: byte-identical on the golden renders of
 * {@code tools/golden/make_template_golden.py}), strictly: a variable the sample does not have is
 * an error naming it, never an empty string.
 *
 * <p>A template sees every top-level field of the sample's line except {@code score} (the human
 * score, which must not reach the judge) — strings, numbers, booleans, lists and objects as JSON
 * has them, a null field as missing — and {@code judge}, lager's settings:
 *
 * <ul>
 *   <li>{@code judge.labels}: the labels, in order (print them with {@code join(", ")});
 *   <li>{@code judge.lowest}, {@code judge.highest}: the labels of the smallest and the largest
 *       value;
 *   <li>{@code judge.reasoning}: true in the reasoning condition (feedback, then the score);
 *   <li>on a pairwise label set, {@code judge.label_a}, {@code judge.label_tie},
 *       {@code judge.label_b}: the labels meaning "A is better", "a tie", "B is better".
 * </ul>
 *
 * <p>Built-in templates ({@link #BUILT_IN}): {@code absolute} (a response graded on a rubric,
 * Prometheus/FLASK style, labels 1-5), {@code pairwise} (A, tie or B; a pairwise label set, 0,1,2
 * by default), {@code emotion} (the intensity of an emotion in a dialogue, EQ-Bench style, 1-9)
 * and {@code answerability} (the level 1-5 at which the judge could answer a question).
 *
 * <p>Known differences from jinja2 (the same as for chat templates): booleans print as
 * {@code true}/{@code false}, a list prints without quotes ({@code [1, x]}, Python
 * {@code [1, 'x']}), floats with exponents print in Java's form ({@code 1.0E-7}); test booleans
 * and print strings, list elements or numbers without exponents.
 */
public final class JinjaPromptTemplate {
  private static final JinjaEnvironment ENVIRONMENT = new JinjaEnvironment(true);
  private static final String RESOURCES = "/io/github/lager/hf/templates/";

  /** The variable that holds lager's settings; a sample field of this name is refused. */
  public static final String JUDGE = "judge";
  /** The field a template never sees: the human score. */
  public static final String HUMAN_SCORE = "score";

  /**
   * A built-in template.
   *
   * @param name its name ({@code --template NAME})
   * @param fields the fields it needs (optional ones in brackets), for help and docs
   * @param defaultLabels the label set it uses unless another is given
   * @param anchor what its reasoning variant asks the judge to write before the score, the text
   *     to pass as {@code --anchor}
   */
  public record BuiltIn(String name, String fields, LabelSet defaultLabels, String anchor) {}

  /** The built-in templates, by name. */
  public static final Map<String, BuiltIn> BUILT_IN = builtIns();

  private static Map<String, BuiltIn> builtIns() {
    Map<String, BuiltIn> m = new LinkedHashMap<>();
    m.put("absolute", new BuiltIn("absolute", "instruction, response, rubric [, reference]",
        LabelSet.of(5), "Score:"));
    m.put("pairwise", new BuiltIn("pairwise",
        "instruction, response_a, response_b [, reference, rubric]",
        LabelSetSyntax.ofNumbers(List.of("0", "1", "2")), "Verdict:"));
    m.put("emotion", new BuiltIn("emotion", "dialogue, character, emotion", LabelSet.of(9),
        "Score:"));
    m.put("answerability", new BuiltIn("answerability", "instruction", LabelSet.of(5),
        "Level:"));
    return java.util.Collections.unmodifiableMap(m);
  }

  private final String name;
  private final String source;
  private final Optional<BuiltIn> builtIn;

  private JinjaPromptTemplate(String name, String source, Optional<BuiltIn> builtIn) {
    this.name = Objects.requireNonNull(name, "name");
    this.source = Objects.requireNonNull(source, "source");
    this.builtIn = builtIn;
  }

  /** The built-in template {@code name}; fails listing the names. */
  public static JinjaPromptTemplate builtIn(String name) {
    BuiltIn b = BUILT_IN.get(name.toLowerCase(Locale.ROOT));
    if (b == null) {
      throw new InvalidInputException("no built-in template '" + name + "'; built-in templates: "
          + String.join(", ", BUILT_IN.keySet()) + " (or give a Jinja file)");
    }
    try (InputStream in = JinjaPromptTemplate.class.getResourceAsStream(
        RESOURCES + b.name() + ".jinja")) {
      if (in == null) {
        throw new IllegalStateException("built-in template " + b.name() + " is missing from the jar");
      }
      return new JinjaPromptTemplate(b.name(), new String(in.readAllBytes(),
          StandardCharsets.UTF_8), Optional.of(b));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the built-in template " + b.name(), e);
    }
  }

  /** A user's template from a Jinja file. */
  public static JinjaPromptTemplate file(Path file) {
    try {
      return new JinjaPromptTemplate(file.toString(), Files.readString(file), Optional.empty());
    } catch (NoSuchFileException e) {
      throw new InvalidInputException("template file not found: " + file, e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the template " + file, e);
    }
  }

  /** A user's template from its text; {@code name} is used in messages. */
  public static JinjaPromptTemplate of(String name, String source) {
    return new JinjaPromptTemplate(name, source, Optional.empty());
  }

  /**
   * {@code --template NAME|FILE}: a built-in template by name, else a Jinja file; fails listing the
   * built-in names when it is neither.
   */
  public static JinjaPromptTemplate resolve(String nameOrFile) {
    Objects.requireNonNull(nameOrFile, "nameOrFile");
    if (BUILT_IN.containsKey(nameOrFile.toLowerCase(Locale.ROOT))) {
      return builtIn(nameOrFile);
    }
    Path p = Path.of(nameOrFile);
    if (Files.isRegularFile(p)) {
      return file(p);
    }
    throw new InvalidInputException("--template " + nameOrFile + ": neither a built-in template ("
        + String.join(", ", BUILT_IN.keySet()) + ") nor a file");
  }

  /** The built-in's name, or the file (as given) of a user's template. */
  public String name() {
    return name;
  }

  /** The template's text. */
  public String source() {
    return source;
  }

  /** The built-in this is, when it is one. */
  public Optional<BuiltIn> builtIn() {
    return builtIn;
  }

  /** SHA-256 of the text (what a run's manifest records). */
  public String sha256() {
    return io.github.lager.core.io.Sha256.of(source.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * This template with the label set it renders: the {@link PromptTemplate} a judge runs.
   * The {@code pairwise} built-in needs a pairwise label set.
   */
  public PromptTemplate bind(LabelSet labelSet) {
    Objects.requireNonNull(labelSet, "labelSet");
    if (builtIn.isPresent() && builtIn.get().name().equals("pairwise") && !labelSet.isPairwise()) {
      throw new InvalidInputException("the pairwise template needs a pairwise label set: three"
          + " labels with the values 0 (A better), 1 (tie) and 2 (B better), e.g. --labels 0,1,2"
          + " or --labels A,B,C --values 0,2,1; got " + labelSet.describe());
    }
    return new PromptTemplate() {
      @Override
      public String render(JudgeSample sample, Condition condition) {
        return JinjaPromptTemplate.this.render(sample, condition, labelSet);
      }

      @Override
      public String toString() {
        return "template " + name;
      }
    };
  }

  /** The prompt of {@code sample}; fails naming a field the template needs and the sample lacks. */
  public String render(JudgeSample sample, Condition condition, LabelSet labelSet) {
    Map<String, Object> context = context(sample, condition, labelSet);
    JinjaEnvironment.Result result = ENVIRONMENT.render(JinjaEnvironment.source(source), context);
    if (result.failure().isEmpty()) {
      return result.output();
    }
    JinjaEnvironment.Failure f = result.failure().get();
    if (f instanceof JinjaEnvironment.Failure.Undefined u) {
      String var = u.name();
      String root = var.split("[.\\[]", 2)[0];
      if (root.equals(JUDGE)) {
        throw new InvalidInputException("the template " + name + " uses " + var + ", which lager"
            + " does not set (judge has " + String.join(", ", judge(condition, labelSet).keySet())
            + ")");
      }
      throw new InvalidInputException("the template " + name + " uses the field " + var
          + ", which the sample does not have (its fields: " + sample.fields().keySet().stream()
              .filter(k -> !k.equals(HUMAN_SCORE)).collect(Collectors.joining(", ")) + ")"
          + (root.equals(HUMAN_SCORE) ? "; the human score is never passed to a template" : ""));
    }
    if (f instanceof JinjaEnvironment.Failure.UnknownFilter u) {
      throw new InvalidInputException("the template " + name + " uses the filter " + u.name()
          + (u.line() > 0 ? " (template line " + u.line() + ")" : "") + ", which does not exist"
          + " (Jinja2's filters: upper, lower, trim, join, replace, default, length, ...)");
    }
    if (f instanceof JinjaEnvironment.Failure.Raised r) {
      throw new InvalidInputException("the template " + name + " refused the sample: "
          + r.message());
    }
    JinjaEnvironment.Failure.Other o = (JinjaEnvironment.Failure.Other) f;
    throw new InvalidInputException("cannot render the template " + name + ": " + o.message()
        + (o.line() > 0 ? " (template line " + o.line() + ")" : ""));
  }

  /** What a template sees for {@code sample}: its fields (not the human score) and {@code judge}. */
  static Map<String, Object> context(JudgeSample sample, Condition condition, LabelSet labelSet) {
    Map<String, Object> context = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> e : sample.fields().entrySet()) {
      if (e.getKey().equals(HUMAN_SCORE) || e.getValue().isJsonNull()) {
        continue;
      }
      if (e.getKey().equals(JUDGE)) {
        throw new InvalidInputException("the field '" + JUDGE + "' is reserved for lager's"
            + " settings in templates (judge.labels, judge.reasoning, ...); rename it");
      }
      context.put(e.getKey(), java(e.getValue()));
    }
    context.put(JUDGE, judge(condition, labelSet));
    return context;
  }

  private static Map<String, Object> judge(Condition condition, LabelSet labelSet) {
    Map<String, Object> judge = new LinkedHashMap<>();
    judge.put("labels", labelSet.labels());
    judge.put("lowest", labelSet.labelOf(labelSet.minValue()));
    judge.put("highest", labelSet.labelOf(labelSet.maxValue()));
    judge.put("reasoning", condition == Condition.REASONING);
    if (labelSet.isPairwise()) {
      judge.put("label_a", labelSet.labelOf(LabelSet.A_BETTER));
      judge.put("label_tie", labelSet.labelOf(LabelSet.TIE));
      judge.put("label_b", labelSet.labelOf(LabelSet.B_BETTER));
    }
    return judge;
  }

  /** A JSON value as Python's json.loads gives it: str, int or float, bool, list, dict. */
  private static Object java(JsonElement e) {
    if (e.isJsonNull()) {
      return null;
    }
    if (e.isJsonArray()) {
      JsonArray a = e.getAsJsonArray();
      List<Object> out = new ArrayList<>();
      a.forEach(x -> out.add(java(x)));
      return out;
    }
    if (e.isJsonObject()) {
      JsonObject o = e.getAsJsonObject();
      Map<String, Object> out = new LinkedHashMap<>();
      o.entrySet().forEach(x -> out.put(x.getKey(), java(x.getValue())));
      return out;
    }
    JsonPrimitive p = e.getAsJsonPrimitive();
    if (p.isBoolean()) {
      return p.getAsBoolean();
    }
    if (p.isString()) {
      return p.getAsString();
    }
    String text = p.getAsString();
    if (text.matches("-?\\d+")) {
      try {
        return Long.parseLong(text);
      } catch (NumberFormatException tooLong) {
        return new java.math.BigInteger(text);
      }
    }
    return Double.parseDouble(text);
  }

  @Override
  public String toString() {
    return "JinjaPromptTemplate[" + name + "]";
  }
}
