package io.github.lager.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.langchain4j.model.decision.request.DecisionRequest;
import dev.langchain4j.model.decision.request.ScaleQuestion;
import dev.langchain4j.model.decision.response.DecisionResponse;
import io.github.lager.core.io.JudgeSample;
import io.github.lager.core.io.JudgeSamplesJsonl;
import io.github.lager.core.math.LabelSet;
import io.github.lager.core.pipeline.ScoringSummary;
import io.github.lager.hf.BatchingJudge;
import io.github.lager.hf.Judge;
import io.github.lager.hf.JudgeOptions;
import io.github.lager.hf.backend.ProviderOptions;
import io.github.lager.hf.model.DjlOffline;
import io.github.lager.langchain4j.LagerDecisionMetadata;
import io.github.lager.langchain4j.LagerDecisionModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Throughput of concurrent single-request callers through the LangChain4j adapter
 * ({@link LagerDecisionModel}, batched across callers by {@link BatchingJudge}) against the
 * single-caller batch rate ({@link Judge#score} of all prompts at the same batch size), on the
 * same rendered prompts, measured back to back in one JVM and repeated; prints one JSON line.
 *
 * <p>Each caller thread takes the next prompt and calls {@code decide} (one scale question, levels
 * 1-5) and waits for its answer, as an evaluation harness does. The baseline scores the prompts
 * the adapter rendered (read back from its metadata) on the same label set, so both run the same
 * token sequences; the baseline sorts them by length before batching (what {@code lager score}
 * does), the adapter batches them in arrival order.
 */
@Command(name = "concurrent", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Samples/s from concurrent callers through the LangChain4j adapter vs Judge.score.")
public final class ConcurrentCallersBench implements Callable<Integer> {
  @Option(names = "--model", paramLabel = "DIR",
      description = "A model directory (default: fixtures/tiny-qwen2; see --shape).")
  Path model;

  @Option(names = "--shape",
      description = "A synthetic checkpoint instead of --model: tiny, qwen2.5-0.5b or llama-3.1-8b.")
  String shape;

  @Option(names = "--backend", defaultValue = "djl")
  String backend;

  @Option(names = "--device", defaultValue = "CPU")
  ProviderOptions.Device device;

  @Option(names = "--dtype")
  String dtype;

  @Option(names = "--prompts", defaultValue = "256", description = "Requests per run.")
  int prompts;

  @Option(names = "--threads", defaultValue = "16", description = "Concurrent callers.")
  int threads;

  @Option(names = "--batch-size", defaultValue = "4")
  int batchSize;

  @Option(names = "--max-wait-ms", defaultValue = "5",
      description = "The batcher's wait for a batch to fill.")
  long maxWaitMs;

  @Option(names = "--max-new-tokens", defaultValue = "10")
  int maxNewTokens;

  @Option(names = "--reps", defaultValue = "3", description = "Measured runs of each, alternating.")
  int reps;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ConcurrentCallersBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    DjlOffline.ensure();
    Path root = Path.of(System.getProperty("lager.project.root", "."));
    Path dir = model != null ? model : root.resolve("fixtures/tiny-qwen2");
    Path tmp = null;
    if (shape != null) {
      tmp = Files.createTempDirectory("lager-bench");
      dir = tmp.resolve(shape);
      SyntheticCheckpoint.write(dir, SyntheticCheckpoint.Shape.named(shape, 1536),
          root.resolve("fixtures/tiny-qwen2"), false, 7);
    }
    try {
      run(root, dir);
    } finally {
      if (tmp != null) {
        try (var walk = Files.walk(tmp)) {
          walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
    return 0;
  }

  private void run(Path root, Path dir) throws Exception {
    List<String> inputs = inputs(root);
    JudgeOptions base = JudgeOptions.builder().backend(backend).device(device).dtype(dtype)
        .batchSize(batchSize).maxNewTokens(maxNewTokens).maxLength(1 << 20).build();
    BatchingJudge.Settings batching = BatchingJudge.Settings.forJudge(base)
        .withMaxWait(Duration.ofMillis(maxWaitMs));
    LabelSet levels = LabelSet.of(List.of("1", "2", "3", "4", "5"),
        new double[] {0, 1, 2, 3, 4});
    try (LagerDecisionModel adapter = LagerDecisionModel.builder().modelDirectory(dir)
            .judgeOptions(base).batching(batching).build();
        Judge judge = Judge.open(dir, base.toBuilder().labelSet(levels).build())) {
      // warm-up of both; the adapter's rendered prompts are the baseline's input
      String[] rendered = new String[inputs.size()];
      concurrent(adapter, inputs, rendered);
      List<JudgeSample> samples = new ArrayList<>();
      for (int i = 0; i < rendered.length; i++) {
        samples.add(new JudgeSample(i, rendered[i], Optional.empty(), Optional.empty()));
      }
      judge.score(samples, s -> { });
      double[] single = new double[reps];
      double[] multi = new double[reps];
      double[] batcher = new double[reps];
      JsonArray runs = new JsonArray();
      for (int r = 0; r < reps; r++) {
        long t0 = System.nanoTime();
        ScoringSummary summary = judge.score(samples, s -> { });
        single[r] = samples.size() / ((System.nanoTime() - t0) / 1e9);
        if (summary.scored() + summary.noScoreToken() != samples.size()) {
          throw new IllegalStateException("the baseline scored " + summary.scored() + " + "
              + summary.noScoreToken() + " of " + samples.size() + ": " + summary.problems());
        }
        t0 = System.nanoTime();
        concurrent(adapter, inputs, null);
        multi[r] = inputs.size() / ((System.nanoTime() - t0) / 1e9);
        t0 = System.nanoTime();
        concurrent(judge, samples, batching);
        batcher[r] = inputs.size() / ((System.nanoTime() - t0) / 1e9);
        JsonObject run = new JsonObject();
        run.addProperty("single_caller_samples_per_s", single[r]);
        run.addProperty("concurrent_samples_per_s", multi[r]);
        run.addProperty("ratio", multi[r] / single[r]);
        run.addProperty("batcher_alone_samples_per_s", batcher[r]);
        runs.add(run);
      }
      JsonObject out = new JsonObject();
      out.addProperty("model", shape != null ? "synthetic " + shape : dir.toString());
      out.addProperty("backend", backend);
      out.addProperty("device", device.name());
      out.addProperty("prompts", inputs.size());
      out.addProperty("threads", threads);
      out.addProperty("batch_size", batchSize);
      out.addProperty("max_wait_ms", maxWaitMs);
      out.addProperty("max_new_tokens", maxNewTokens);
      out.addProperty("median_single_caller_samples_per_s", median(single));
      out.addProperty("median_concurrent_samples_per_s", median(multi));
      out.addProperty("median_ratio", median(multi) / median(single));
      out.addProperty("median_batcher_alone_samples_per_s", median(batcher));
      out.add("runs", runs);
      System.out.println(out);
    }
  }

  /** Every input decided once by {@code threads} callers; {@code rendered} gets the prompts. */
  private void concurrent(LagerDecisionModel adapter, List<String> inputs, String[] rendered)
      throws Exception {
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> callers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        callers.add(pool.submit(() -> {
          for (int i = next.getAndIncrement(); i < inputs.size(); i = next.getAndIncrement()) {
            DecisionResponse r = adapter.decide(DecisionRequest.builder().input(inputs.get(i))
                .question("score", ScaleQuestion.from("Give a score from 1 to 5.",
                    List.of("1", "2", "3", "4", "5"))).build());
            if (rendered != null) {
              rendered[i] = ((LagerDecisionMetadata) r.metadata()).answer("score").prompt();
            }
          }
          return null;
        }));
      }
      for (Future<?> f : callers) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * The rendered prompts through a {@link BatchingJudge} alone (no adapter), from the same number
   * of callers: what the batcher costs apart from the adapter's rendering and responses. The
   * judge is borrowed (not closed).
   */
  private void concurrent(Judge judge, List<JudgeSample> samples, BatchingJudge.Settings batching)
      throws Exception {
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    BatchingJudge batcher = BatchingJudge.of(judge::score, null, batching);
    try {
      List<Future<?>> callers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        callers.add(pool.submit(() -> {
          for (int i = next.getAndIncrement(); i < samples.size(); i = next.getAndIncrement()) {
            batcher.submit(samples.get(i)).join();
          }
          return null;
        }));
      }
      for (Future<?> f : callers) {
        f.get();
      }
    } finally {
      batcher.close();
      pool.shutdownNow();
    }
  }

  /** The bundled judge prompts (the main job's), repeated with a number to make them distinct. */
  private List<String> inputs(Path root) {
    List<String> source = new ArrayList<>();
    for (JudgeSample s : JudgeSamplesJsonl.read(root.resolve(
        "lager-cli/src/main/resources/io/github/lager/cli/judge/prompts.jsonl")).samples()) {
      source.add(s.userPrompt().orElseThrow());
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < prompts; i++) {
      out.add("Request " + i + ".\n" + source.get(i % source.size()));
    }
    return out;
  }

  private static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
