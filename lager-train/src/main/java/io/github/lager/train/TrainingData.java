package io.github.lager.train;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import com.google.common.io.MoreFiles;
import io.github.lager.core.InvalidInputException;
import io.github.lager.core.io.ResultsJson;
import io.github.lager.core.io.ScoredSample;
import io.github.lager.core.math.LayerLogits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the tuner learns from, with what the weights' provenance records about it.
 *
 * @param examples the samples (valid ones only)
 * @param description the source, e.g. the file name
 * @param sha256 SHA-256 of the source file's bytes (or of the examples, for in-memory data)
 * @param skippedInvalid samples of the source left out because they had no score token
 */
public record TrainingData(List<TrainingExample> examples, String description, String sha256,
    int skippedInvalid) {
  public TrainingData {
    examples = List.copyOf(examples);
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(sha256, "sha256");
    if (examples.isEmpty()) {
      throw new InvalidInputException(description + ": no valid sample to tune on");
    }
    int entries = examples.get(0).logits().entries();
    int points = examples.get(0).logits().points();
    for (TrainingExample e : examples) {
      if (e.logits().entries() != entries || e.logits().points() != points) {
        throw new InvalidInputException(description + ": samples with " + e.logits().entries()
            + " x " + e.logits().points() + " and " + entries + " x " + points
            + " logits; tuning data must come from one model and one score scale");
      }
    }
  }

  /** A results file (the reference's format), hashed as read from disk. */
  public static TrainingData fromResultsFile(Path file) {
    List<ScoredSample> samples = ResultsJson.read(file);
    String sha;
    try {
      sha = MoreFiles.asByteSource(file).hash(Hashing.sha256()).toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return fromSamples(samples, file.toString(), sha);
  }

  /**
   * Valid samples become examples with target = the rounded mean human score (half to even, as
   * Python's {@code round}); invalid ones are counted and left out.
   */
  public static TrainingData fromSamples(List<ScoredSample> samples, String description,
      String sha256) {
    List<TrainingExample> examples = new ArrayList<>();
    int invalid = 0;
    for (ScoredSample s : samples) {
      if (!s.isValid()) {
        invalid++;
        continue;
      }
      LayerLogits z = s.logits().orElseThrow();
      double mean = s.humanScore().orElseThrow(() -> new InvalidInputException(
          description + ": idx " + s.idx() + " has no human_score; tuning needs one")).mean();
      int target = (int) Math.rint(mean);
      if (target < 1 || target > z.points()) {
        throw new InvalidInputException(description + ": idx " + s.idx() + " has human score "
            + mean + ", outside the score scale 1.." + z.points());
      }
      examples.add(new TrainingExample(z, target));
    }
    return new TrainingData(examples, description, sha256, invalid);
  }

  /** In-memory examples; the hash covers their logits and targets. */
  public static TrainingData of(List<TrainingExample> examples, String description) {
    Hasher h = Hashing.sha256().newHasher();
    for (TrainingExample e : examples) {
      for (float v : e.logits().toArray()) {
        h.putFloat(v);
      }
      h.putInt(e.target());
    }
    return new TrainingData(examples, description, h.hash().toString(), 0);
  }

  /** Hidden-state entries per example ({@code L+1}). */
  public int entries() {
    return examples.get(0).logits().entries();
  }
}
