package io.github.lager.hf.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.lager.core.InvalidInputException;
import io.github.lager.core.TestData;
import io.github.lager.core.io.JudgeSample;
import io.github.lager.core.math.LabelSet;
import io.github.lager.core.pipeline.Condition;
import io.github.lager.core.pipeline.PromptBuilder;
import io.github.lager.core.pipeline.PromptTemplate;
import io.github.lager.hf.JudgeOptions;
import io.github.lager.hf.JudgePromptBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Prompt templates render byte-identically to Python's jinja2 (configured as lager configures
 * jinjava): the expected texts come from tools/golden/make_template_golden.py
 * (golden/prompt_templates.json), built-in templates, user templates, swapped pairwise samples
 * and the final prompts through a fixture's chat template.
 */
class JinjaPromptTemplateTest {
  static JsonObject golden;

  @BeforeAll
  static void load() throws Exception {
    Path file = Path.of(JinjaPromptTemplateTest.class.getResource(
        "/golden/prompt_templates.json").toURI());
    golden = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
  }

  static JudgeSample sample(JsonObject fields) {
    Map<String, JsonElement> map = new LinkedHashMap<>();
    fields.entrySet().forEach(e -> map.put(e.getKey(), e.getValue()));
    long idx = fields.has("idx") ? fields.get("idx").getAsLong() : 0;
    return new JudgeSample(idx, Optional.empty(), Optional.empty(), Optional.empty(), map);
  }

  static LabelSet labels(JsonObject c) {
    JsonObject l = c.getAsJsonObject("labels");
    return LabelSet.of(l.getAsJsonArray("labels").asList().stream()
        .map(JsonElement::getAsString).toList(), TestData.doubles(l.getAsJsonArray("values")));
  }

  static JinjaPromptTemplate template(JsonObject c) {
    String name = c.get("template_name").getAsString();
    if (c.get("built_in").getAsBoolean()) {
      JinjaPromptTemplate t = JinjaPromptTemplate.builtIn(name);
      assertThat(t.source()).as("the built-in %s is the one the golden rendered; rerun"
          + " tools/golden/make_template_golden.py after changing it", name)
          .isEqualTo(c.get("template").getAsString());
      return t;
    }
    return JinjaPromptTemplate.of(name, c.get("template").getAsString());
  }

  @Test
  void rendersLikeJinja2() {
    int rendered = 0;
    int swaps = 0;
    for (JsonElement e : golden.getAsJsonArray("cases")) {
      JsonObject c = e.getAsJsonObject();
      Condition condition = c.get("reasoning").getAsBoolean() ? Condition.REASONING
          : Condition.DIRECT;
      PromptTemplate t = template(c).bind(labels(c));
      JudgeSample s = sample(c.getAsJsonObject("fields"));
      String what = c.get("template_name").getAsString() + " on " + labels(c).describe() + ", "
          + condition + ", fields " + c.get("fields");
      assertThat(t.render(s, condition)).as(what).isEqualTo(c.get("rendered").getAsString());
      rendered++;
      if (c.has("swapped_rendered")) {
        JudgeSample swapped = s.swapped();
        assertThat(swapped).isEqualTo(sample(c.getAsJsonObject("swapped_fields")));
        assertThat(t.render(swapped, condition)).as("swapped: " + what)
            .isEqualTo(c.get("swapped_rendered").getAsString())
            .isNotEqualTo(c.get("rendered").getAsString());
        // swapping twice gives back the prompt, byte for byte
        assertThat(t.render(swapped.swapped(), condition)).as("swapped twice: " + what)
            .isEqualTo(c.get("rendered").getAsString());
        swaps++;
      }
    }
    assertThat(rendered).isEqualTo(46);
    assertThat(swaps).isEqualTo(10);
  }

  @Test
  void aFieldTheSampleLacksIsNamed() {
    for (JsonElement e : golden.getAsJsonArray("errors")) {
      JsonObject c = e.getAsJsonObject();
      JinjaPromptTemplate t = template(c);
      assertThatThrownBy(() -> t.bind(labels(c)).render(sample(c.getAsJsonObject("fields")),
          Condition.DIRECT)).isInstanceOf(InvalidInputException.class)
          .hasMessageStartingWith("the template " + t.name() + " uses the field "
              + c.get("missing").getAsString() + ", which the sample does not have (its fields: ");
    }
  }

  @Test
  void theFinalPromptsAreTheChatTemplatesAroundTheTemplatesText() {
    for (JsonElement e : golden.getAsJsonArray("chat")) {
      JsonObject c = e.getAsJsonObject();
      boolean pairwise = c.get("template_name").getAsString().equals("pairwise");
      JudgeOptions options = JudgeOptions.builder()
          .template(JinjaPromptTemplate.builtIn(c.get("template_name").getAsString()))
          .labelSet(labels(c)).pairwise(pairwise).build();
      try (JudgePromptBuilder prompts =
          JudgePromptBuilder.open(TestData.fixture(c.get("model").getAsString()), options)) {
        PromptBuilder.Prompts encoded = prompts.encode(sample(c.getAsJsonObject("fields")));
        assertThat(encoded.orders()).hasSize(pairwise ? 2 : 1);
        PromptBuilder.Prompt p = encoded.orders().get(c.get("order").getAsString().equals("ab")
            ? 0 : 1);
        assertThat(p.chatText()).isEqualTo(c.get("final").getAsString());
        assertThat(prompts.model().tokenizer().decode(p.ids(), false))
            .as("the token ids are the final text's").isEqualTo(p.chatText());
      }
    }
  }

  @Test
  void anUnknownFilterIsNamedWithItsLineNotTakenForAMissingField() {
    JinjaPromptTemplate t = JinjaPromptTemplate.of("t.jinja",
        "Rate the answer.\n\n{{ answer | nosuchfilter }}\n");
    Map<String, JsonElement> fields = new LinkedHashMap<>();
    fields.put("answer", JsonParser.parseString("\"ok\""));
    JudgeSample s = new JudgeSample(1, Optional.empty(), Optional.empty(), Optional.empty(),
        fields);
    assertThatThrownBy(() -> t.render(s, Condition.DIRECT, LabelSet.of(5)))
        .hasMessage("the template t.jinja uses the filter nosuchfilter (template line 3), which"
            + " does not exist (Jinja2's filters: upper, lower, trim, join, replace, default,"
            + " length, ...)");
    // a known filter on a missing field: the field is the cause, named without the filter
    JinjaPromptTemplate missing = JinjaPromptTemplate.of("m.jinja", "{{ question | upper }}");
    assertThatThrownBy(() -> missing.render(s, Condition.DIRECT, LabelSet.of(5)))
        .hasMessage("the template m.jinja uses the field question, which the sample does not have"
            + " (its fields: answer)");
  }

  @Test
  void syntaxErrorsNameTheTemplatesOwnLineAndNoJavaTypes() {
    Map<String, JsonElement> fields = new LinkedHashMap<>();
    fields.put("answer", JsonParser.parseString("\"ok\""));
    JudgeSample s = new JudgeSample(1, Optional.empty(), Optional.empty(), Optional.empty(),
        fields);
    // whitespace control removes newlines before jinjava counts them: the line is found anew
    assertThatThrownBy(() -> JinjaPromptTemplate.of("a.jinja",
        "{#- comment -#}\nline two\n{% if answer == %}x{% endif %}\n")
        .render(s, Condition.DIRECT, LabelSet.of(5)))
        .hasMessageStartingWith("cannot render the template a.jinja: Error parsing 'answer =='")
        .hasMessageEndingWith("(template line 3)");
    assertThatThrownBy(() -> JinjaPromptTemplate.of("b.jinja",
        "{% if answer %}\n  {{ answer }}\n{% endif %}\n{{ answer.nosuch() }}\n")
        .render(s, Condition.DIRECT, LabelSet.of(5)))
        .hasMessage("cannot render the template b.jinja: Cannot find method nosuch with 0"
            + " parameters on a text value (template line 4)");
    // an unclosed expression is an error, never rendered as text
    assertThatThrownBy(() -> JinjaPromptTemplate.of("c.jinja", "l1\nl2\nl3\n{{ answer }\nl5\n")
        .render(s, Condition.DIRECT, LabelSet.of(5)))
        .hasMessageStartingWith("cannot render the template c.jinja: an unclosed {{ or {%")
        .hasMessageEndingWith("(template line 4)");
  }

  @Test
  void theHumanScoreNeverReachesATemplateAndJudgeIsReserved() {
    JinjaPromptTemplate leak = JinjaPromptTemplate.of("leak.jinja", "{{ response }} {{ score }}");
    Map<String, JsonElement> fields = new LinkedHashMap<>();
    fields.put("response", JsonParser.parseString("\"ok\""));
    fields.put("score", JsonParser.parseString("5"));
    JudgeSample s = new JudgeSample(3, Optional.empty(), Optional.empty(), Optional.empty(),
        fields);
    assertThatThrownBy(() -> leak.render(s, Condition.DIRECT, LabelSet.of(5)))
        .hasMessage("the template leak.jinja uses the field score, which the sample does not"
            + " have (its fields: response); the human score is never passed to a template");
    fields.put("judge", JsonParser.parseString("\"me\""));
    JudgeSample reserved = new JudgeSample(3, Optional.empty(), Optional.empty(),
        Optional.empty(), fields);
    assertThatThrownBy(() -> JinjaPromptTemplate.of("t", "{{ response }}")
        .render(reserved, Condition.DIRECT, LabelSet.of(5)))
        .hasMessageStartingWith("the field 'judge' is reserved");
    assertThatThrownBy(() -> JinjaPromptTemplate.of("t", "{{ judge.anchor }}")
        .render(s, Condition.DIRECT, LabelSet.of(5)))
        .hasMessage("the template t uses judge.anchor, which lager does not set (judge has"
            + " labels, lowest, highest, reasoning)");
    assertThatThrownBy(() -> JinjaPromptTemplate.of("t", "{{ raise_exception('no rubric') }}")
        .render(s, Condition.DIRECT, LabelSet.of(5)))
        .hasMessage("the template t refused the sample: no rubric");
  }

  @Test
  void builtInsAndFilesAreResolvedByName() throws Exception {
    assertThat(JinjaPromptTemplate.BUILT_IN.keySet())
        .containsExactly("absolute", "pairwise", "emotion", "answerability");
    assertThat(JinjaPromptTemplate.resolve("Emotion").builtIn().orElseThrow().defaultLabels())
        .isEqualTo(LabelSet.of(9));
    assertThatThrownBy(() -> JinjaPromptTemplate.resolve("no-such-template"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("--template no-such-template: neither a built-in template (absolute,"
            + " pairwise, emotion, answerability) nor a file");
    assertThatThrownBy(() -> JinjaPromptTemplate.builtIn("pairwise").bind(LabelSet.of(5)))
        .hasMessageContaining("the pairwise template needs a pairwise label set");
    Path file = Files.createTempFile("lager-template", ".jinja");
    try {
      Files.writeString(file, "Rate {{ response }}\n");
      JinjaPromptTemplate t = JinjaPromptTemplate.resolve(file.toString());
      assertThat(t.builtIn()).isEmpty();
      assertThat(t.sha256()).hasSize(64);
      assertThat(List.of(t.name())).containsExactly(file.toString());
    } finally {
      Files.delete(file);
    }
  }
}
