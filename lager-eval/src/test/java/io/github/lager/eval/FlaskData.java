package io.github.lager.eval;

import io.github.lager.core.TestData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The shared FLASK data as evaluation sources. */
final class FlaskData {
  private FlaskData() {}

  /**
   * The six FLASK results files of ../shared/data/int-rule-flask (real Llama-3.1-8B logits), read
   * in name order; the calling test is skipped, with the reason, when the folder is absent.
   */
  static List<SampleSets.Source> flaskSources() {
    Path dir = TestData.sharedData().map(d -> d.resolve("int-rule-flask")).orElse(null);
    org.junit.jupiter.api.Assumptions.assumeTrue(dir != null && Files.isDirectory(dir),
        "../shared/data/int-rule-flask is absent (it is not part of the repository)");
    List<SampleSets.Source> sources = new java.util.ArrayList<>();
    try (java.util.stream.Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        sources.add(new SampleSets.Source(f.getFileName().toString(),
            io.github.lager.core.io.ResultsJson.read(f)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sources;
  }

}
