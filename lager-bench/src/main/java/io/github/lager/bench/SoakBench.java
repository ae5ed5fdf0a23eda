package io.github.lager.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.lager.core.io.IncrementalResults;
import io.github.lager.core.io.JudgeSample;
import io.github.lager.core.pipeline.ScoringSummary;
import io.github.lager.hf.JudgeOptions;
import io.github.lager.hf.backend.ProviderOptions;
import io.github.lager.hf.model.DjlOffline;
import io.github.lager.hf.run.ScoringRun;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The soak harness: scores many short judge prompts through the public SPI
 * ({@link Backends}, {@link HiddenStateProvider}) and the pipeline, writing the results as
 * {@code lager score} does ({@link IncrementalResults}: one forced write per batch), and reports
 * memory every {@code --every} samples: resident set ({@code VmRSS}), the Java heap after a GC,
 * the JVM's non-heap, direct buffers, and native memory (resident minus the committed heap and
 * non-heap: libtorch, the tokenizer, malloc). A leak shows as a positive slope; the summary gives
 * the least-squares slope of each in MB per 1,000 samples over the checkpoints after the first.
 *
 * <p>Run with a fixed, pre-touched heap ({@code lager-bench/soak} does) so that the resident heap
 * does not grow by itself.
 */
@Command(name = "soak", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Score many short prompts and report memory as the run goes: it must stay flat.")
public final class SoakBench implements Callable<Integer> {
  @Option(names = "--model", paramLabel = "DIR",
      description = "Model directory (default: the project's fixtures/tiny-qwen2).")
  Path model;

  @Option(names = "--backend", defaultValue = "djl", description = "Backend (default ${DEFAULT-VALUE}).")
  String backend;

  @Option(names = "--prompts", defaultValue = "10000", description = "Default ${DEFAULT-VALUE}.")
  int prompts;

  @Option(names = "--every", defaultValue = "1000", description = "Report memory every N samples.")
  int every;

  @Option(names = "--batch-size", defaultValue = "4")
  int batchSize;

  @Option(names = "--seed", defaultValue = "7")
  long seed;

  public static void main(String[] args) {
    System.exit(new CommandLine(new SoakBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    DjlOffline.ensure();
    Path root = Path.of(System.getProperty("lager.project.root", "."));
    Path dir = model != null ? model : root.resolve("fixtures/tiny-qwen2");
    Path tmp = Files.createTempDirectory("lager-soak");
    JsonArray checkpoints = new JsonArray();
    JudgeOptions options = JudgeOptions.builder().backend(backend)
        .device(ProviderOptions.Device.CPU).batchSize(batchSize).build();
    try {
      Path data = tmp.resolve("prompts.jsonl");
      writePrompts(data);
      Path out = tmp.resolve("results.json");
      long start = System.nanoTime();
      int[] next = {every};
      // the scoring run of `lager score`: one forced write per batch
      ScoringRun.Result run = ScoringRun.builder(dir, data).options(options)
          .out(out, IncrementalResults.Mode.NEW).command("soak").keepSamples(false)
          .progress((toScore, onDisk) -> (done, total, tokens) -> {
            if (done >= next[0] || done == total) {
              next[0] += every;
              JsonObject c = memory();
              c.addProperty("samples", done);
              c.addProperty("seconds", (System.nanoTime() - start) / 1e9);
              checkpoints.add(c);
              System.err.println(c);
            }
          }).run();
      ScoringSummary summary = run.summary();
      JsonObject report = new JsonObject();
      report.addProperty("model", dir.toString());
      report.addProperty("backend", backend);
      report.addProperty("prompts", prompts);
      report.addProperty("batch_size", batchSize);
      report.addProperty("samples_per_s", summary.samplesPerSecond());
      report.addProperty("prompt_tokens_mean", summary.promptTokens() / (double) prompts);
      report.addProperty("failed", summary.failed());
      for (String key : new String[] {"rss_mb", "native_mb", "heap_used_mb", "non_heap_mb",
          "direct_mb"}) {
        report.addProperty(key + "_slope_per_1000", slope(checkpoints, key));
      }
      report.add("checkpoints", checkpoints);
      System.out.println(report);
    } finally {
      try (var walk = Files.walk(tmp)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    return 0;
  }

  /** {@link #prompts()} as the JSON Lines input of a run. */
  private void writePrompts(Path file) throws java.io.IOException {
    StringBuilder sb = new StringBuilder();
    for (JudgeSample s : prompts()) {
      JsonObject line = new JsonObject();
      line.addProperty("user_prompt", s.userPrompt().orElseThrow());
      sb.append(line).append('\n');
    }
    Files.writeString(file, sb.toString());
  }

  /** Short judge prompts (about 60 tokens after the template), each different. */
  private List<JudgeSample> prompts() {
    String[] words = {"answer", "clear", "wrong", "helpful", "concise", "detailed", "the", "user",
        "asked", "about", "weather", "math", "history", "code", "and", "it", "is", "not", "very"};
    Random r = new Random(seed);
    List<JudgeSample> out = new ArrayList<>();
    for (int i = 0; i < prompts; i++) {
      StringBuilder response = new StringBuilder();
      for (int w = 0, n = 8 + r.nextInt(16); w < n; w++) {
        response.append(words[r.nextInt(words.length)]).append(' ');
      }
      out.add(new JudgeSample(i, "Rate the response from 1 to 5.\nResponse: " + response
          + "\nScore:", Optional.empty(), Optional.empty()));
    }
    return out;
  }

  /**
   * Memory after two collections with a pause between, so that direct buffers that are garbage
   * (their native memory is freed by a cleaner after a collection) are gone before measuring.
   */
  private static JsonObject memory() {
    System.gc();
    try {
      Thread.sleep(300);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    System.gc();
    var mem = ManagementFactory.getMemoryMXBean();
    MemoryUsage heap = mem.getHeapMemoryUsage();
    MemoryUsage nonHeap = mem.getNonHeapMemoryUsage();
    double direct = 0;
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      direct += pool.getMemoryUsed();
    }
    double rss = procStatusMb("VmRSS:");
    JsonObject c = new JsonObject();
    c.addProperty("rss_mb", rss);
    c.addProperty("native_mb", rss - (heap.getCommitted() + nonHeap.getCommitted()) / MB);
    c.addProperty("heap_used_mb", heap.getUsed() / MB);
    c.addProperty("non_heap_mb", nonHeap.getUsed() / MB);
    c.addProperty("direct_mb", direct / MB);
    return c;
  }

  private static final double MB = 1024.0 * 1024.0;

  private static double procStatusMb(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (java.io.IOException ignored) {
      // not Linux
    }
    return Double.NaN;
  }

  /** Least-squares slope of {@code key} in MB per 1,000 samples, leaving out the first point. */
  static double slope(JsonArray checkpoints, String key) {
    int n = checkpoints.size() - 1;
    if (n < 2) {
      return Double.NaN;
    }
    double sx = 0;
    double sy = 0;
    double sxx = 0;
    double sxy = 0;
    for (int i = 1; i < checkpoints.size(); i++) {
      JsonObject c = checkpoints.get(i).getAsJsonObject();
      double x = c.get("samples").getAsDouble() / 1000;
      double y = c.get(key).getAsDouble();
      sx += x;
      sy += y;
      sxx += x * x;
      sxy += x * y;
    }
    return (n * sxy - sx * sy) / (n * sxx - sx * sx);
  }
}
