package io.github.lager.bench;

import io.github.lager.hf.checkpoint.Checkpoint;
import io.github.lager.hf.checkpoint.FiniteWeights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The ONNX backend's finite-weights scan ({@link FiniteWeights#check}) over a whole synthetic
 * float32 checkpoint at Qwen2.5-0.5B's shapes with its real vocabulary (151,936: 1.98 GB), the
 * file in the page cache: the load-time cost of the check, a read of every weight's bytes. GB/s =
 * 1.98 GB / time; compare with {@link BandwidthBenchmark}. {@code -p dir=DIR} scans an existing
 * checkpoint instead of writing one.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class FiniteWeightsBenchmark {
  /** A checkpoint directory to scan; empty: a synthetic one written to a temporary directory. */
  @Param("")
  public String dir;

  private Path tmp;
  private Checkpoint ckpt;

  @Setup(Level.Trial)
  public void setup() throws IOException {
    Path d;
    if (dir.isEmpty()) {
      tmp = Files.createTempDirectory("lager-finite");
      d = tmp.resolve("qwen2.5-0.5b");
      Path root = Path.of(System.getProperty("lager.project.root", "."));
      SyntheticCheckpoint.write(d, SyntheticCheckpoint.Shape.named("qwen2.5-0.5b", 151936),
          root.resolve("fixtures/tiny-qwen2"), false, 7);
    } else {
      d = Path.of(dir);
    }
    ckpt = Checkpoint.open(d);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    ckpt.close();
    if (tmp != null) {
      try (var walk = Files.walk(tmp)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Every tensor of the checkpoint checked, as the ONNX backend does while building its graph. */
  @Benchmark
  public int checkEveryTensor() {
    int n = 0;
    for (String name : ckpt.tensorNames()) {
      FiniteWeights.check(ckpt, name);
      n++;
    }
    return n;
  }
}
