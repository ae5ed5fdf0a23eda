package io.github.lager.hf.template;

import io.github.lager.core.InvalidInputException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Hugging Face chat template rendered with jinjava so that the text is byte-identical to
 * {@code tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)}
 * (the configuration is {@link JinjaEnvironment}'s, shared with prompt templates).
 *
 * <p>Checked against Python's jinja2 on ChatML, Llama-3.1-, Qwen2.5- and Mistral-style templates
 * (JinjaChatTemplateTest). Known gaps of jinjava: booleans print as {@code true}/{@code false},
 * Python string methods ({@code .startswith}, {@code .upper}) and {@code '-' * 3} fail.
 */
public final class JinjaChatTemplate {
  private static final JinjaEnvironment ENVIRONMENT = new JinjaEnvironment(false);

  private final String template;
  private final Map<String, Object> specialTokens;

  public JinjaChatTemplate(String template, Map<String, String> specialTokens) {
    Objects.requireNonNull(template, "template");
    this.template = JinjaEnvironment.source(template);
    this.specialTokens = new HashMap<>(specialTokens);
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
    JinjaEnvironment.Result result = ENVIRONMENT.render(template, context);
    if (result.failure().isPresent()) {
      JinjaEnvironment.Failure f = result.failure().get();
      if (f instanceof JinjaEnvironment.Failure.Raised r) {
        throw new InvalidInputException("the chat template refused the messages: " + r.message());
      }
      if (f instanceof JinjaEnvironment.Failure.Other o) {
        throw new InvalidInputException("cannot render the chat template: " + o.message()
            + (o.line() > 0 ? " (template line " + o.line() + ")" : ""));
      }
      throw new InvalidInputException("cannot render the chat template: " + f);
    }
    return result.output();
  }
}
