package io.github.lager.eval;

import io.github.lager.core.InvalidInputException;
import io.github.lager.core.io.ScoredSample;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Combining results files the way the reference's users do: several random draws of one benchmark
 * merged by {@code idx}, and the samples used for tuning left out of the evaluation.
 */
public final class SampleSets {
  /** Samples of one file, with the file's name for messages. */
  public record Source(String name, List<ScoredSample> samples) {
    public Source {
      Objects.requireNonNull(name, "name");
      samples = List.copyOf(samples);
    }
  }

  /** The union: each {@code idx} once, in first-seen order, and how many repeats were dropped. */
  public record Merged(List<ScoredSample> samples, int duplicatesDropped) {
    public Merged {
      samples = List.copyOf(samples);
    }
  }

  /** What is left after leaving out some {@code idx}, and how many were left out. */
  public record Split(List<ScoredSample> kept, int leftOut) {
    public Split {
      kept = List.copyOf(kept);
    }
  }

  private SampleSets() {}

  /**
   * Merges by {@code idx}. A repeated {@code idx} must be the same sample (same stored scores,
   * logits and human score); otherwise the files do not come from one model and benchmark and the
   * merge fails naming both files.
   */
  public static Merged mergeByIdx(List<Source> sources) {
    Map<Long, ScoredSample> byIdx = new LinkedHashMap<>();
    Map<Long, String> origin = new LinkedHashMap<>();
    int duplicates = 0;
    for (Source source : sources) {
      for (ScoredSample s : source.samples()) {
        ScoredSample first = byIdx.putIfAbsent(s.idx(), s);
        if (first == null) {
          origin.put(s.idx(), source.name());
        } else {
          duplicates++;
          if (!sameSample(first, s)) {
            throw new InvalidInputException("idx " + s.idx() + " is in " + origin.get(s.idx())
                + " and in " + source.name() + " with different scores or logits; files merged by"
                + " idx must come from one model on one benchmark");
          }
        }
      }
    }
    return new Merged(new ArrayList<>(byIdx.values()), duplicates);
  }

  /** Leaves out the samples whose {@code idx} is in {@code leaveOut}. */
  public static Split leaveOut(List<ScoredSample> samples, Set<Long> leaveOut) {
    List<ScoredSample> kept = new ArrayList<>();
    for (ScoredSample s : samples) {
      if (!leaveOut.contains(s.idx())) {
        kept.add(s);
      }
    }
    return new Split(kept, samples.size() - kept.size());
  }

  private static boolean sameSample(ScoredSample a, ScoredSample b) {
    return Double.compare(a.eScore(), b.eScore()) == 0
        && Double.compare(a.directScore(), b.directScore()) == 0
        && a.logits().equals(b.logits())
        && a.humanScore().equals(b.humanScore());
  }
}
