package io.github.lager.cli;

import com.google.common.hash.Hashing;
import io.github.lager.core.InvalidInputException;
import io.github.lager.core.io.FileErrors;
import io.github.lager.core.io.ResultsJson;
import io.github.lager.core.io.ScoredSample;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * A results file as the CLI reads it: from disk, or bundled with lager (the sample results made
 * from the fixtures, used when no file is given), with the SHA-256 of its bytes for provenance.
 * Samples that cannot be used are left out and described in {@code problems} (one line each,
 * naming the file and the sample); the command reports them and exits with status 3 unless
 * {@code --skip-bad}.
 */
record ResultsInput(String name, List<ScoredSample> samples, String sha256, List<String> problems) {
  static final String SAMPLES = "/io/github/lager/cli/samples/";
  static final String BUNDLED_DATA = "tiny-llama-results.json";
  static final String BUNDLED_VALID = "tiny-llama-valid.json";

  static ResultsInput file(Path path) {
    try {
      return of(path.toString(), Files.readAllBytes(path));
    } catch (NoSuchFileException e) {
      throw new InvalidInputException("results file not found: " + path, e);
    } catch (IOException e) {
      throw FileErrors.reading(path, e);
    }
  }

  static ResultsInput bundled(String fileName) {
    try (InputStream in = ResultsInput.class.getResourceAsStream(SAMPLES + fileName)) {
      if (in == null) {
        throw new IllegalStateException("bundled sample " + fileName + " is missing from the jar");
      }
      return of("(bundled) " + fileName, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read bundled " + fileName, e);
    }
  }

  private static ResultsInput of(String name, byte[] bytes) {
    ResultsJson.Contents c =
        ResultsJson.read(new StringReader(new String(bytes, StandardCharsets.UTF_8)), name, true);
    return new ResultsInput(name, c.samples(), Hashing.sha256().hashBytes(bytes).toString(),
        c.problems());
  }
}
