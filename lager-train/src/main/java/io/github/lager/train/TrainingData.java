package io.github.lager.train;

import io.github.lager.core.InvalidInputException;
import io.github.lager.core.io.HumanScore;
import io.github.lager.core.io.ResultsJson;
import io.github.lager.core.io.ScoredSample;
import io.github.lager.core.io.Sha256;
import io.github.lager.core.math.LabelSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * What the tuner learns from, with what the weights' provenance records about it.
 *
 * @param examples the samples (valid ones only)
 * @param labelSet the label set of the samples: the targets index it, the loss reads its values
 * @param description the source, e.g. the file name
 * @param sha256 SHA-256 of the source file's bytes (or of the examples, for in-memory data)
 * @param skippedInvalid samples of the source left out because they had no score token
 * @param skippedNoMajority pairwise samples left out because their annotators split (no
 *     majority label)
 */
public record TrainingData(List<TrainingExample> examples, LabelSet labelSet, String description,
    String sha256, int skippedInvalid, int skippedNoMajority) {
  public TrainingData {
    examples = List.copyOf(examples);
    Objects.requireNonNull(labelSet, "labelSet");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(sha256, "sha256");
    if (examples.isEmpty()) {
      throw new InvalidInputException(description + ": no valid sample to tune on");
    }
    int entries = examples.get(0).logits().entries();
    int points = labelSet.size();
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
    return fromSamples(samples, file.toString(), Sha256.of(file));
  }

  /**
   * Valid samples become examples whose target is the label with the value of the human score:
   * the mean of the annotators rounded half to even (Python's {@code round}, as the reference) or,
   * on a pairwise label set, the annotators' majority label (a split vote is left out and
   * counted). A human score that is no label's value is an error naming the sample; invalid
   * samples are counted and left out. The samples must share one label set.
   */
  public static TrainingData fromSamples(List<ScoredSample> samples, String description,
      String sha256) {
    List<TrainingExample> examples = new ArrayList<>();
    int invalid = 0;
    int noMajority = 0;
    LabelSet labelSet = null;
    long firstIdx = 0;
    for (ScoredSample s : samples) {
      if (!s.isValid()) {
        invalid++;
        continue;
      }
      if (labelSet == null) {
        labelSet = s.requireLabelSet();
        firstIdx = s.idx();
      } else if (!s.requireLabelSet().sameLabels(labelSet)) {
        throw new InvalidInputException(description + ": idx " + s.idx() + " is on the labels "
            + s.requireLabelSet().describe() + " but idx " + firstIdx + " on " + labelSet.describe()
            + "; tuning data must share one label set");
      }
      HumanScore human = s.humanScore().orElseThrow(() -> new InvalidInputException(
          description + ": idx " + s.idx() + " has no human_score; tuning needs one"));
      double target;
      if (labelSet.isPairwise()) {
        OptionalDouble majority = human.majority();
        if (majority.isEmpty()) {
          noMajority++;
          continue;
        }
        target = majority.getAsDouble();
      } else {
        target = Math.rint(human.mean());
      }
      int index = labelSet.indexOfValue(target);
      if (index < 0) {
        throw new InvalidInputException(description + ": idx " + s.idx() + " has human score "
            + human + (labelSet.isPairwise() ? " (majority " : " (rounded mean ")
            + LabelSet.fmt(target) + "), which is no label's value on the labels "
            + labelSet.describe() + "; tuning targets are labels");
      }
      examples.add(new TrainingExample(s.logits().orElseThrow(), index));
    }
    if (labelSet == null) {
      throw new InvalidInputException(description + ": no valid sample to tune on");
    }
    return new TrainingData(examples, labelSet, description, sha256, invalid, noMajority);
  }

  /** In-memory examples on {@code labelSet}; the hash covers their logits and targets. */
  public static TrainingData of(List<TrainingExample> examples, LabelSet labelSet,
      String description) {
    // each logit's float and each target's int, little-endian
    java.security.MessageDigest md = Sha256.digest();
    for (TrainingExample e : examples) {
      float[] logits = e.logits().toArray();
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * logits.length + 4)
          .order(java.nio.ByteOrder.LITTLE_ENDIAN);
      for (float v : logits) {
        b.putFloat(v);
      }
      b.putInt(e.labelIndex());
      md.update(b.array());
    }
    return new TrainingData(examples, labelSet, description, Sha256.hex(md), 0, 0);
  }

  /** In-memory examples on the scale "1".."K" of their logits. */
  public static TrainingData of(List<TrainingExample> examples, String description) {
    if (examples.isEmpty()) {
      throw new InvalidInputException(description + ": no valid sample to tune on");
    }
    return of(examples, LabelSet.of(examples.get(0).logits().points()), description);
  }

  /** Hidden-state entries per example ({@code L+1}). */
  public int entries() {
    return examples.get(0).logits().entries();
  }
}
