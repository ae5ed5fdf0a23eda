package io.github.lager.core.pipeline;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which prompts run together: every runnable prompt of the input, sorted by token count with ties
 * broken by {@code idx}, cut into consecutive batches of the batch size. A sample judged in both
 * orders runs its two prompts in the same batch position of two consecutive calls (the order
 * (A, B), then (B, A)), so its results are complete when its batch is. The plan is a function of
 * the input and the options alone, so a resumed run forms exactly the batches of the run it
 * continues, and every sample is computed with the same padding (float results depend on the
 * batch's shapes) as in an uninterrupted run.
 *
 * <p>Made by {@link JudgePipeline#plan}; prompts that cannot run (over the maximum length, no
 * prompt for the condition, a template error) are counted and described here.
 */
public final class BatchPlan {
  /** One batch: its samples in order of prompt length (of the order (A, B) when pairwise). */
  public static final class Batch {
    private final List<PromptBuilder.Prompts> prompts;

    Batch(List<PromptBuilder.Prompts> prompts) {
      this.prompts = List.copyOf(prompts);
    }

    List<PromptBuilder.Prompts> prompts() {
      return prompts;
    }

    /** The {@code idx} of its samples, in batch order. */
    public List<Long> idx() {
      return prompts.stream().map(e -> e.sample().idx()).toList();
    }

    public int size() {
      return prompts.size();
    }
  }

  private final int samples;
  private final List<Batch> batches;
  private final int tooLong;
  private final int unusable;
  private final List<String> problems;

  BatchPlan(int samples, List<PromptBuilder.Prompts> runnable, int batchSize, int tooLong,
      int unusable, List<String> problems) {
    List<PromptBuilder.Prompts> sorted = new ArrayList<>(runnable);
    sorted.sort(Comparator.<PromptBuilder.Prompts>comparingInt(e -> e.orders().get(0).length())
        .thenComparingLong(e -> e.sample().idx()));
    List<Batch> b = new ArrayList<>();
    for (int i = 0; i < sorted.size(); i += batchSize) {
      b.add(new Batch(sorted.subList(i, Math.min(sorted.size(), i + batchSize))));
    }
    this.samples = samples;
    this.batches = List.copyOf(b);
    this.tooLong = tooLong;
    this.unusable = unusable;
    this.problems = List.copyOf(problems);
  }

  /** Samples given. */
  public int samples() {
    return samples;
  }

  public List<Batch> batches() {
    return batches;
  }

  /** Samples in batches. */
  public int runnable() {
    return batches.stream().mapToInt(Batch::size).sum();
  }

  /** Prompts over the maximum length (dropped, as the reference drops them). */
  public int tooLong() {
    return tooLong;
  }

  /** Samples that cannot run: no prompt for the condition, a template or tokenizer error. */
  public int unusable() {
    return unusable;
  }

  /** One line per dropped or unusable sample. */
  public List<String> problems() {
    return problems;
  }

  /** The batches with a sample whose {@code idx} is not in {@code onDisk}: what is left to run. */
  public List<Batch> missing(Set<Long> onDisk) {
    return batches.stream().filter(b -> !onDisk.containsAll(b.idx())).toList();
  }

  /**
   * The {@code idx} of the batches that are wholly in {@code onDisk}: what a resumed run keeps.
   * Samples of a batch only partly on disk (torn by a kill) are scored again with their batch.
   */
  public Set<Long> complete(Set<Long> onDisk) {
    Set<Long> keep = new HashSet<>();
    for (Batch b : batches) {
      if (onDisk.containsAll(b.idx())) {
        keep.addAll(b.idx());
      }
    }
    return keep;
  }
}
