package io.github.lager.cli;

import io.github.lager.eval.ResultsInput;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The sample results bundled with the CLI (from the tiny-llama fixture), used when no file is given. */
final class BundledSamples {
  static final String SAMPLES = "/io/github/lager/cli/samples/";
  static final String DATA = "tiny-llama-results.json";
  static final String VALID = "tiny-llama-valid.json";

  private BundledSamples() {}

  static ResultsInput read(String fileName) {
    try (InputStream in = BundledSamples.class.getResourceAsStream(SAMPLES + fileName)) {
      if (in == null) {
        throw new IllegalStateException("bundled sample " + fileName + " is missing from the jar");
      }
      return ResultsInput.of("(bundled) " + fileName, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read bundled " + fileName, e);
    }
  }
}
