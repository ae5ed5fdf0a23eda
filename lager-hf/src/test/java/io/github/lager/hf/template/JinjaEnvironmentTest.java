package io.github.lager.hf.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parsed templates are kept, and a render from the kept tree is the render of the source. */
class JinjaEnvironmentTest {
  @Test
  void aTemplateIsParsedOnceAndRendersTheSameFromItsTree() {
    JinjaEnvironment env = new JinjaEnvironment(true);
    String source = JinjaEnvironment.source("{% for x in xs %}\n  {{ x | upper }}; {% endfor %}"
        + "{{ name | tojson }}\n");
    assertThat(env.isParsed(source)).isFalse();
    JinjaEnvironment.Result first = env.render(source, Map.of("xs", List.of("a", "b"), "name",
        "q\"r"));
    assertThat(env.isParsed(source)).isTrue();
    JinjaEnvironment.Result second = env.render(source, Map.of("xs", List.of("c"), "name", "s"));
    assertThat(first.failure()).isEmpty();
    assertThat(first.output()).isEqualTo("  A;   B; \"q\\\"r\"");
    assertThat(second.output()).isEqualTo("  C; \"s\"");
    // the same as a fresh environment renders it (no kept tree)
    assertThat(new JinjaEnvironment(true).render(source, Map.of("xs", List.of("c"), "name", "s"))
        .output()).isEqualTo(second.output());
  }

  @Test
  void errorsAreJinjavasOwnWithAKeptTreeAndWithout() {
    JinjaEnvironment env = new JinjaEnvironment(true);
    String source = "Hello {{ who }}";
    assertThat(env.render(source, Map.of("who", "x")).output()).isEqualTo("Hello x");
    assertThat(env.render(source, Map.of()).failure())
        .contains(new JinjaEnvironment.Failure.Undefined("who"));
    String unclosed = "line one\n{{ who";
    JinjaEnvironment.Result bad = env.render(unclosed, Map.of("who", "x"));
    assertThat(bad.failure()).isPresent();
    assertThat(env.isParsed(unclosed)).as("a template with parse warnings is not kept").isFalse();
    assertThat(env.render(unclosed, Map.of("who", "x")).failure()).isEqualTo(bad.failure());
  }
}
