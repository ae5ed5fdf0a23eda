package io.github.lager.eval;

import io.github.lager.core.InvalidInputException;
import io.github.lager.core.io.FileErrors;
import io.github.lager.core.io.InputFile;
import io.github.lager.core.io.ResultsJson;
import io.github.lager.core.io.SampleFields;
import io.github.lager.core.io.ScoredSample;
import io.github.lager.core.io.Sha256;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A results file as an evaluation reads it: its samples, the SHA-256 of its bytes for provenance,
 * and its text (for fields such as a group or answerability label).
 * Samples that cannot be used are left out and described in {@code problems} (one line each,
 * naming the file and the sample); the CLI reports them and exits with status 3 unless
 * {@code --skip-bad}.
 */
public record ResultsInput(String name, List<ScoredSample> samples, String sha256, List<String> problems,
    String text) {
  public static ResultsInput file(Path path) {
    try {
      return of(path.toString(), InputFile.bytes(path));
    } catch (NoSuchFileException e) {
      throw new InvalidInputException("results file not found: " + path, e);
    } catch (IOException e) {
      throw FileErrors.reading(path, e);
    }
  }

  /** A results file's bytes read under {@code name} (a path, or what a bundled file is called). */
  public static ResultsInput of(String name, byte[] bytes) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    ResultsJson.Contents c = ResultsJson.read(new StringReader(text), name, true);
    return new ResultsInput(name, c.samples(), Sha256.of(bytes),
        c.problems(), text);
  }

  /**
   * One top-level field of every sample of these files, by idx ({@link SampleFields}); an idx in
   * several files must have the same value in each.
   */
  public static Map<Long, String> field(List<ResultsInput> inputs, String field) {
    Map<Long, String> values = new LinkedHashMap<>();
    Map<Long, String> origin = new LinkedHashMap<>();
    for (ResultsInput in : inputs) {
      SampleFields.read(new StringReader(in.text()), in.name(), field).forEach((idx, v) -> {
        String before = values.putIfAbsent(idx, v);
        if (before == null) {
          origin.put(idx, in.name());
        } else if (!before.equals(v)) {
          throw new InvalidInputException("idx " + idx + " has " + field + " \"" + before
              + "\" in " + origin.get(idx) + " but \"" + v + "\" in " + in.name());
        }
      });
    }
    return values;
  }

  @Override
  public String toString() {
    return "ResultsInput[" + name + ", " + samples.size() + " samples]";
  }
}
