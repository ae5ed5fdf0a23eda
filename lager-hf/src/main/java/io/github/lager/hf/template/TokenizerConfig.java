package io.github.lager.hf.template;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.lager.core.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What lager reads from {@code tokenizer_config.json}: the chat template (or the
 * {@code chat_template.jinja} file newer checkpoints keep beside it) and the special tokens the
 * template refers to.
 */
public record TokenizerConfig(String chatTemplate, Optional<String> bosToken,
    Optional<String> eosToken, Optional<String> padToken, Optional<String> unkToken) {
  public static final String FILE = "tokenizer_config.json";
  public static final String TEMPLATE_FILE = "chat_template.jinja";

  public static TokenizerConfig read(Path modelDir) {
    Path file = modelDir.resolve(FILE);
    JsonObject o;
    try {
      o = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(modelDir + " has no " + FILE
          + " (it holds the chat template a judge model needs)", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    } catch (JsonParseException | IllegalStateException e) {
      throw new InvalidInputException(file + ": malformed JSON: " + io.github.lager.core.io.JsonErrors.message(e), e);
    }
    String template = template(o.get("chat_template"), file);
    if (template == null) {
      Path jinja = modelDir.resolve(TEMPLATE_FILE);
      try {
        template = Files.exists(jinja) ? Files.readString(jinja) : null;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + jinja, e);
      }
    }
    if (template == null) {
      throw new InvalidInputException(file + " has no chat_template and there is no "
          + TEMPLATE_FILE + "; lager renders judge prompts through the model's chat template"
          + " (is this a base model rather than an instruct model?)");
    }
    return new TokenizerConfig(template, token(o, "bos_token"), token(o, "eos_token"),
        token(o, "pad_token"), token(o, "unk_token"));
  }

  /** A string, or a list of {name, template} of which "default" is taken. */
  private static String template(JsonElement e, Path file) {
    if (e == null || e.isJsonNull()) {
      return null;
    }
    if (e.isJsonPrimitive()) {
      return e.getAsString();
    }
    if (e.isJsonArray()) {
      for (JsonElement t : e.getAsJsonArray()) {
        JsonObject named = t.getAsJsonObject();
        if ("default".equals(named.get("name").getAsString())) {
          return named.get("template").getAsString();
        }
      }
      throw new InvalidInputException(file + ": chat_template lists named templates but none is"
          + " called \"default\"");
    }
    throw new InvalidInputException(file + ": chat_template must be a string or a list");
  }

  /** A special token given as a string or as an AddedToken object {"content": ...}. */
  private static Optional<String> token(JsonObject o, String name) {
    JsonElement e = o.get(name);
    if (e == null || e.isJsonNull()) {
      return Optional.empty();
    }
    if (e.isJsonObject() && e.getAsJsonObject().has("content")) {
      return Optional.of(e.getAsJsonObject().get("content").getAsString());
    }
    return Optional.of(e.getAsString());
  }
}
