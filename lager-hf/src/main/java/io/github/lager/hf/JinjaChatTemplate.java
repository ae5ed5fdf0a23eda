package io.github.lager.hf;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import io.github.lager.core.InvalidInputException;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Hugging Face chat template rendered with jinjava so that the text is byte-identical to
 * {@code tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)}:
 * {@code trim_blocks} and {@code lstrip_blocks}, whitespace control as Jinja2 trims it, one trailing
 * newline of the template dropped (Jinja2's {@code keep_trailing_newline=False}),
 * {@code raise_exception}, {@code strftime_now} and transformers' {@code tojson}
 * ({@code json.dumps} spacing, no HTML escaping).
 *
 * <p>Checked against Python's jinja2 on ChatML, Llama-3.1-, Qwen2.5- and Mistral-style templates
 * (JinjaChatTemplateTest). Known gaps of jinjava: booleans print as {@code true}/{@code false},
 * Python string methods ({@code .startswith}, {@code .upper}) and {@code '-' * 3} fail.
 */
public final class JinjaChatTemplate {
  private final String template;
  private final Map<String, Object> specialTokens;
  private final Jinjava jinjava;

  public JinjaChatTemplate(String template, Map<String, String> specialTokens) {
    Objects.requireNonNull(template, "template");
    this.template = template.endsWith("\n") ? template.substring(0, template.length() - 1) : template;
    this.specialTokens = new HashMap<>(specialTokens);
    JinjavaConfig config = JinjavaConfig.newBuilder()
        .withTrimBlocks(true)
        .withLstripBlocks(true)
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
        JinjaChatTemplate.class, "raiseException", String.class));
    jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "strftime_now",
        JinjaChatTemplate.class, "strftimeNow", String.class));
    jinjava.getGlobalContext().registerFilter(new PythonJsonFilter());
  }

  /** The template of a model directory, with its special tokens. */
  public static JinjaChatTemplate of(TokenizerConfig config) {
    Map<String, String> tokens = new HashMap<>();
    config.bosToken().ifPresent(t -> tokens.put("bos_token", t));
    config.eosToken().ifPresent(t -> tokens.put("eos_token", t));
    config.padToken().ifPresent(t -> tokens.put("pad_token", t));
    config.unkToken().ifPresent(t -> tokens.put("unk_token", t));
    return new JinjaChatTemplate(config.chatTemplate(), tokens);
  }

  /** One user message with the generation prompt: the reference's judge call. */
  public String renderUserPrompt(String prompt) {
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("role", "user");
    message.put("content", prompt);
    return render(List.of(message), true);
  }

  /** Renders {@code messages} (maps with "role" and "content"; their key order is kept for tojson). */
  public String render(List<Map<String, Object>> messages, boolean addGenerationPrompt) {
    Map<String, Object> context = new HashMap<>(specialTokens);
    List<Map<String, Object>> copy = new ArrayList<>();
    messages.forEach(m -> copy.add(new LinkedHashMap<>(m)));
    context.put("messages", copy);
    context.put("add_generation_prompt", addGenerationPrompt);
    RenderResult result = jinjava.renderForResult(template, context);
    for (TemplateError e : result.getErrors()) {
      if (e.getSeverity() == TemplateError.ErrorType.FATAL) {
        Throwable cause = e.getException();
        while (cause != null && !(cause instanceof TemplateRaisedException)
            && cause.getCause() != null && cause.getCause() != cause) {
          cause = cause.getCause();
        }
        if (cause instanceof TemplateRaisedException raised) {
          throw new InvalidInputException("the chat template refused the messages: "
              + raised.getMessage());
        }
        throw new InvalidInputException("cannot render the chat template: " + e.getMessage()
            + (e.getLineno() > 0 ? " (template line " + e.getLineno() + ")" : ""));
      }
    }
    return result.getOutput();
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
