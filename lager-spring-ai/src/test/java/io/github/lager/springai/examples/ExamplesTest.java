package io.github.lager.springai.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Runs the example on the tiny-qwen2 fixture, so that it cannot rot. */
class ExamplesTest {
  @Test
  void evaluateWithLager() {
    Path model = Path.of(System.getProperty("lager.project.root", ".."), "fixtures/tiny-qwen2");
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      EvaluateWithLager.main(new String[] {model.toString()});
    } finally {
      System.setOut(old);
    }
    String out = buf.toString(StandardCharsets.UTF_8);
    assertThat(out).matches("(?s)score [1-5]\\.\\d{4}, pass (true|false), distribution"
        + " \\{1=[0-9.E-]+, 2=[0-9.E-]+, 3=[0-9.E-]+, 4=[0-9.E-]+, 5=[0-9.E-]+\\}\\s*");
  }
}
