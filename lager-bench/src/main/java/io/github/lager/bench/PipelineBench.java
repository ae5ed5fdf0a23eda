package io.github.lager.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import io.github.lager.core.io.JudgeSample;
import io.github.lager.core.io.JudgeSamplesJsonl;
import io.github.lager.core.pipeline.ChatTokenizer;
import io.github.lager.core.pipeline.ScoringSummary;
import io.github.lager.core.spi.GenerationOptions;
import io.github.lager.core.spi.HiddenStateProvider;
import io.github.lager.hf.Judge;
import io.github.lager.hf.JudgeOptions;
import io.github.lager.hf.architecture.ModelConfig;
import io.github.lager.hf.backend.ProviderOptions;
import io.github.lager.hf.model.DjlOffline;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The pipeline benchmark harness: scores judge prompts of realistic lengths through a backend and
 * reports, as one JSON line, samples/s, tokens/s, peak memory, padding, and the prefill's achieved
 * FLOP/s as a fraction of the matrix-multiply peak that the same run measures on the same engine,
 * device and dtype.
 *
 * <p>The model is a real one ({@code --model DIR}) or a synthetic checkpoint of a real
 * architecture ({@code --shape}: random weights, the fixture tokenizer) written to a temporary
 * directory.
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Benchmark the judge pipeline against the machine's matrix-multiply peak.")
public final class PipelineBench implements Callable<Integer> {
  @Option(names = "--model", paramLabel = "DIR", description = "A real model directory (instead of --shape).")
  Path model;

  @Option(names = "--shape", defaultValue = "qwen2.5-0.5b",
      description = "Synthetic architecture: qwen2.5-0.5b, llama-3.1-8b or tiny (default ${DEFAULT-VALUE}).")
  String shape;

  @Option(names = "--vocab", defaultValue = "1536",
      description = "Synthetic vocabulary (the fixture tokenizer has 1536 tokens; larger only adds LM-head rows).")
  int vocab;

  @Option(names = "--weights-dtype", defaultValue = "float32", description = "Synthetic safetensors: float32 or bfloat16.")
  String weightsDtype;

  @Option(names = "--backend", defaultValue = "djl", description = "djl or onnx (onnx builds the decoder graph from the checkpoint, synthetic ones"
          + " included; a --model with model.onnx runs that graph unless -Dlager.onnx.graph=built).")
  String backend;

  @Option(names = "--device", defaultValue = "CPU", description = "CPU or GPU.")
  ProviderOptions.Device device;

  @Option(names = "--dtype",
      description = "float32, bfloat16 or float16 (default: the backend's for the device).")
  String dtype;

  @Option(names = "--prompts", defaultValue = "16", description = "Number of judge prompts.")
  int prompts;

  @Option(names = "--prompt-tokens", defaultValue = "960",
      description = "Mean prompt length in tokens; lengths spread over 0.5x..1.5x.")
  int promptTokens;

  @Option(names = "--batch-size", defaultValue = "4")
  int batchSize;

  @Option(names = "--max-new-tokens", defaultValue = "10")
  int maxNewTokens;

  @Option(names = "--decode-curve", split = ",", paramLabel = "N,N,...",
      description = "Also time greedy decoding of the first batch at these numbers of new tokens"
          + " (e.g. 10,40,160), in this process, back to back: decoding steps/s = (N - 1) /"
          + " (time(N) - time(1)); no EOS is taken, so every row decodes N tokens.")
  List<Integer> decodeCurve = List.of();

  @Option(names = "--seed", defaultValue = "7")
  long seed;

  @Option(names = "--load-only", paramLabel = "N", defaultValue = "0",
      description = "Only open the judge N times in this process, back to back, and print each"
          + " load's seconds (model files read, weights checked and converted, graph or decoder"
          + " ready); no scoring.")
  int loadOnly;

  public static void main(String[] args) {
    System.exit(new CommandLine(new PipelineBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    DjlOffline.ensure();
    Path root = Path.of(System.getProperty("lager.project.root", "."));
    Path dir = model;
    Path tmp = null;
    if (dir == null) {
      tmp = Files.createTempDirectory("lager-bench");
      dir = tmp.resolve(shape);
      long t = System.nanoTime();
      SyntheticCheckpoint.write(dir, SyntheticCheckpoint.Shape.named(shape, vocab),
          root.resolve("fixtures/tiny-qwen2"), weightsDtype.startsWith("b"), seed);
      System.err.printf("wrote a synthetic %s checkpoint in %.1f s%n", shape, (System.nanoTime() - t) / 1e9);
    }
    JudgeOptions options = JudgeOptions.builder().backend(backend).device(device).dtype(dtype)
        .batchSize(batchSize).maxNewTokens(maxNewTokens).maxLength(1 << 20).build();
    if (loadOnly > 0) {
      try {
        com.google.gson.JsonArray seconds = new com.google.gson.JsonArray();
        for (int i = 0; i < loadOnly; i++) {
          long t = System.nanoTime();
          try (Judge judge = Judge.open(dir, options)) {
            seconds.add((System.nanoTime() - t) / 1e9);
          }
        }
        JsonObject out = new JsonObject();
        out.addProperty("model", model != null ? model.toString() : "synthetic " + shape);
        out.addProperty("backend", backend);
        out.add("load_seconds", seconds);
        System.out.println(out);
        return 0;
      } finally {
        delete(tmp);
      }
    }
    try (Judge judge = Judge.open(dir, options)) {
      ModelConfig cfg = judge.config();
      ChatTokenizer encoder = judge.model().encoder(true);
      List<JudgeSample> samples = prompts(root, encoder);
      JsonObject out = new JsonObject();
      out.addProperty("model", model != null ? model.toString() : "synthetic " + shape);
      out.addProperty("backend", backend);
      out.addProperty("device", device.name());
      {
        // 1. the prefill alone: one step (maxNewTokens 1) over length-sorted batches
        List<int[]> ids = new ArrayList<>();
        for (JudgeSample s : samples) {
          ids.add(encoder.tokenize(encoder.render(s.userPrompt().orElseThrow())));
        }
        ids.sort(Comparator.comparingInt(a -> a.length));
        GenerationOptions oneStep = new GenerationOptions(1, judge.labelTokens(),
            judge.model().eosTokenIds(), judge.model().padTokenId());
        HiddenStateProvider provider = judge.provider();
        provider.generate(ids.subList(0, Math.min(batchSize, ids.size())), oneStep); // warm-up
        double flops = 0;
        long prefillTokens = 0;
        long t0 = System.nanoTime();
        for (int b = 0; b < ids.size(); b += batchSize) {
          List<int[]> batch = ids.subList(b, Math.min(ids.size(), b + batchSize));
          int longest = batch.get(batch.size() - 1).length;
          flops += prefillFlops(cfg, batch.size(), longest);
          prefillTokens += (long) batch.size() * longest;
          provider.generate(batch, oneStep);
        }
        double prefillSeconds = (System.nanoTime() - t0) / 1e9;
        if (!decodeCurve.isEmpty()) {
          out.add("decode_steps_per_s", decodeCurve(provider, judge, ids.subList(0,
              Math.min(batchSize, ids.size()))));
        }
        // 2. the whole pipeline
        ScoringSummary summary = judge.score(samples, s -> { });
        double peak = matmulPeak(device, dtype);
        double achieved = flops / prefillSeconds;
        out.addProperty("model_type", cfg.modelType());
        out.addProperty("layers", cfg.numHiddenLayers());
        out.addProperty("hidden", cfg.hiddenSize());
        out.addProperty("prompts", samples.size());
        out.addProperty("batch_size", batchSize);
        out.addProperty("max_new_tokens", maxNewTokens);
        out.addProperty("prompt_tokens_mean", summary.promptTokens() / (double) samples.size());
        out.addProperty("samples_per_s", summary.samplesPerSecond());
        out.addProperty("prompt_tokens_per_s", summary.promptTokens() / summary.seconds());
        out.addProperty("padding_fraction", summary.paddingFraction());
        out.addProperty("prefill_seconds", prefillSeconds);
        out.addProperty("prefill_tokens_per_s", prefillTokens / prefillSeconds);
        out.addProperty("prefill_gflops", achieved / 1e9);
        out.addProperty("matmul_peak_gflops", peak / 1e9);
        out.addProperty("prefill_fraction_of_matmul_peak", achieved / peak);
        out.addProperty("peak_rss_mb", peakRssMb());
        out.addProperty("peak_heap_mb", peakHeapMb());
        out.addProperty("scoring_seconds", summary.seconds());
      }
      System.out.println(out);
    } finally {
      delete(tmp);
    }
    return 0;
  }

  private static void delete(Path tmp) throws java.io.IOException {
    if (tmp != null) {
      try (var walk = Files.walk(tmp)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /**
   * Decoding steps per second at each of {@link #decodeCurve}'s lengths on one batch: the time of
   * N new tokens minus the time of one (the prefill), over N - 1 steps, with no end-of-sequence
   * token so that every row runs every step.
   */
  private JsonObject decodeCurve(HiddenStateProvider provider, Judge judge, List<int[]> batch) {
    int[] noEos = {};
    GenerationOptions one = new GenerationOptions(1, judge.labelTokens(), noEos,
        judge.model().padTokenId());
    JsonObject curve = new JsonObject();
    for (int n : decodeCurve) {
      long t0 = System.nanoTime();
      provider.generate(batch, one);
      long t1 = System.nanoTime();
      provider.generate(batch, one.withMaxNewTokens(n));
      long t2 = System.nanoTime();
      double decode = ((t2 - t1) - (t1 - t0)) / 1e9;
      curve.addProperty(Integer.toString(n), (n - 1) / Math.max(1e-9, decode));
    }
    return curve;
  }

  /** Judge prompts of spread lengths: real judge prompts (shared data) or the fixtures', repeated. */
  private List<JudgeSample> prompts(Path root, ChatTokenizer encoder) {
    Path mtBench = root.resolve("../shared/data/mt_bench_digit.jsonl").normalize();
    List<String> source = new ArrayList<>();
    Path file = Files.exists(mtBench) ? mtBench
        : root.resolve("lager-cli/src/main/resources/io/github/lager/cli/judge/prompts.jsonl");
    for (JudgeSample s : JudgeSamplesJsonl.read(file).samples()) {
      source.add(s.userPrompt().orElseThrow());
    }
    java.util.Random r = new java.util.Random(seed);
    List<JudgeSample> out = new ArrayList<>();
    for (int i = 0; i < prompts; i++) {
      int target = (int) (promptTokens * (0.5 + r.nextDouble()));
      StringBuilder text = new StringBuilder(source.get(i % source.size()));
      while (encoder.tokenize(text.toString()).length < target) {
        text.append("\n").append(source.get(r.nextInt(source.size())));
      }
      int[] ids = encoder.tokenize(text.toString());
      // cut to the target at a character proportion, then let the tokenizer decide
      String cut = text.substring(0, (int) ((long) text.length() * target / ids.length));
      out.add(new JudgeSample(i, cut + "\nGive a score from 1 to 5.", Optional.empty(), Optional.empty()));
    }
    return out;
  }

  /**
   * The floating-point operations a prefill of {@code batch} rows of {@code t} positions needs:
   * every projection at every position, causal attention (each position against itself and the
   * positions before it: {@code t(t+1)/2} query-key pairs), the LM head at the last position only.
   * Work a decoder does beyond this (masked attention entries, padding) counts against it.
   */
  static double prefillFlops(ModelConfig c, int batch, int t) {
    double linear = 2.0 * batch * t * layerParameters(c);
    double attention = 4.0 * c.numHiddenLayers() * batch * c.numAttentionHeads() * c.headDim()
        * (double) t * (t + 1) / 2;
    double head = 2.0 * batch * c.hiddenSize() * c.vocabSize();
    return linear + attention + head;
  }

  static long layerParameters(ModelConfig c) {
    long h = c.hiddenSize();
    long q = c.queryWidth();
    long kv = c.keyValueWidth();
    return c.numHiddenLayers() * (h * q + 2 * h * kv + q * h + 3 * h * c.intermediateSize());
  }

  /** The best of several large float matmuls on DJL's PyTorch engine, same device and dtype. */
  static double matmulPeak(ProviderOptions.Device device, String dtype) {
    Device d = device == ProviderOptions.Device.GPU ? Device.gpu() : Device.cpu();
    // bfloat16 and float16 run at the same tensor-core rate; DJL can only make float16 arrays
    boolean full = dtype == null ? !d.isGpu() : dtype.toLowerCase(java.util.Locale.ROOT).contains("32");
    DataType type = full ? DataType.FLOAT32 : DataType.FLOAT16;
    int n = d.isGpu() ? 8192 : 2048;
    double best = 0;
    try (NDManager m = NDManager.newBaseManager(d, Engine.getEngine("PyTorch").getEngineName())) {
      NDArray a = m.randomNormal(new Shape(n, n)).toType(type, false);
      NDArray b = m.randomNormal(new Shape(n, n)).toType(type, false);
      for (int rep = 0; rep < 6; rep++) {
        long t0 = System.nanoTime();
        try (NDArray c = a.matMul(b)) {
          c.get(0, 0).toType(DataType.FLOAT32, false).getFloat(); // synchronise
        }
        double s = (System.nanoTime() - t0) / 1e9;
        best = Math.max(best, 2.0 * n * n * n / s);
      }
    }
    return best;
  }

  static double peakRssMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (java.io.IOException ignored) {
      // not Linux
    }
    return -1;
  }

  static double peakHeapMb() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == java.lang.management.MemoryType.HEAP && pool.getPeakUsage() != null) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum / (1024.0 * 1024.0);
  }
}
