package io.github.lager.bench;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.github.lager.core.io.JudgeSample;
import io.github.lager.core.math.LabelSet;
import io.github.lager.core.pipeline.Condition;
import io.github.lager.hf.template.JinjaChatTemplate;
import io.github.lager.hf.template.JinjaPromptTemplate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One render of lager's built-in {@code absolute} prompt template (the Spring AI adapter's
 * prompt) for one sample's fields, and of a model's chat template (Qwen2's, from the tiny-qwen2
 * fixture) around it: what every adapter call and every scored sample pays before tokenizing. {@code JinjaEnvironment} keeps parsed templates, so a render no longer re-parses.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class TemplateRenderBenchmark {
  JinjaPromptTemplate template;
  JinjaChatTemplate chat;
  String prompt;
  JudgeSample sample;
  LabelSet labelSet;

  @Setup(Level.Trial)
  public void setup() {
    template = JinjaPromptTemplate.builtIn("absolute");
    Map<String, JsonElement> fields = new LinkedHashMap<>();
    fields.put("instruction", new JsonPrimitive("Who wrote Hamlet?\n\nContext:\nHamlet is a"
        + " tragedy by William Shakespeare."));
    fields.put("response", new JsonPrimitive("Shakespeare."));
    fields.put("rubric", new JsonPrimitive("Is the response correct and supported by the"
        + " context?"));
    fields.put("context", new JsonPrimitive("Hamlet is a tragedy by William Shakespeare."));
    sample = new JudgeSample(0, Optional.empty(), Optional.empty(), Optional.empty(), fields);
    labelSet = LabelSet.of(5);
    prompt = template.render(sample, Condition.DIRECT, labelSet);
    // the chat template of the tiny-qwen2 fixture (Qwen2's own), run from the repository root
    Path config = Path.of("fixtures", "tiny-qwen2", "tokenizer_config.json");
    try {
      String text = JsonParser.parseString(Files.readString(config)).getAsJsonObject()
          .get("chat_template").getAsString();
      chat = new JinjaChatTemplate(text, Map.of());
    } catch (IOException e) {
      throw new UncheckedIOException(config + " (run from the repository root)", e);
    }
  }

  @Benchmark
  public String renderAbsolute() {
    return template.render(sample, Condition.DIRECT, labelSet);
  }

  /** The chat template around the rendered prompt (every sample pays both). */
  @Benchmark
  public String renderQwen2Chat() {
    return chat.renderUserPrompt(prompt);
  }
}
