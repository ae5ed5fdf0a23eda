package io.github.lager.hf.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.lager.core.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Byte-identical to Python's jinja2 as transformers configures it: the expected texts come from
 * tools/golden/make_chat_template_golden.py (golden/chat_templates.json).
 */
class JinjaChatTemplateTest {
  static List<JsonElement> cases() throws Exception {
    Path file = Path.of(JinjaChatTemplateTest.class.getResource("/golden/chat_templates.json").toURI());
    return JsonParser.parseString(Files.readString(file)).getAsJsonObject().getAsJsonArray("cases")
        .asList();
  }

  @Test
  void rendersLikeJinja2() throws Exception {
    int rendered = 0;
    for (JsonElement el : cases()) {
      JsonObject c = el.getAsJsonObject();
      JinjaChatTemplate t = new JinjaChatTemplate(c.get("template").getAsString(),
          Map.of("bos_token", "<s>", "eos_token", "</s>"));
      if (c.has("error")) {
        assertThatThrownBy(() -> t.render(List.of(Map.of("role", "system", "content", "x")), true))
            .isInstanceOf(InvalidInputException.class)
            .hasMessage("the chat template refused the messages: " + c.get("error").getAsString());
        continue;
      }
      assertThat(t.renderUserPrompt(c.get("prompt").getAsString()))
          .as("template %s, prompt %s", c.get("template_name"), c.get("prompt"))
          .isEqualTo(c.get("rendered").getAsString());
      rendered++;
    }
    assertThat(rendered).isEqualTo(15);
  }

  @Test
  void strftimeFollowsPython() {
    ZonedDateTime t = ZonedDateTime.of(2024, 7, 6, 9, 5, 3, 0, ZoneOffset.UTC);
    assertThat(Strftime.format("%d %b %Y", t)).isEqualTo("06 Jul 2024");
    assertThat(Strftime.format("%A %B %j %H:%M:%S %%", t)).isEqualTo("Saturday July 188 09:05:03 %");
  }

  @Test
  void brokenTemplatesAreReported() {
    JinjaChatTemplate t = new JinjaChatTemplate("{% for m in messages %}{{ m.content }", Map.of());
    assertThatThrownBy(() -> t.renderUserPrompt("x"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("cannot render the chat template");
  }
}
