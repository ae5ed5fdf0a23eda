package io.github.lager.eval;

import io.github.lager.core.InvalidInputException;
import io.github.lager.core.io.InputLines;
import io.github.lager.core.io.JsonFile;
import io.github.lager.core.io.LayerWeightsJson;
import io.github.lager.core.math.LayerWeights;
import io.github.lager.core.math.ScoreMethod;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Data selection with a judge, what {@code lager select} does: rank the valid samples of results
 * files by a score (or several aspects by the mean of their z-scores), keep the top fraction or
 * count, and compare the selection with every other score's; optionally copy the selected lines of
 * the judged inputs.
 *
 * <pre>{@code
 * DataSelection.Result r = DataSelection.of(List.of(ResultsInput.file(Path.of("results.json"))))
 *     .rule(Selection.Rule.topFraction(0.25)).run();
 * }</pre>
 */
public final class DataSelection {
  /**
   * @param report the selection and its baselines
   * @param files results files of one judgment merged by idx (0 for aspects)
   * @param uniqueSamples samples after that merge
   * @param duplicatesDropped repeated idx dropped by it
   */
  public record Result(Selection.Report report, int files, int uniqueSamples,
      int duplicatesDropped) {}

  private final List<ResultsInput> inputs;
  private final boolean aspects;
  private ScoreMethod by = ScoreMethod.LAGER_WO;
  private Selection.Rule rule;
  private Path weights;
  private boolean reuseWeights;
  private HumanRange humanRange;

  private DataSelection(List<ResultsInput> inputs, boolean aspects) {
    if (inputs.isEmpty()) {
      throw new IllegalArgumentException("a selection needs at least one results file");
    }
    this.inputs = List.copyOf(inputs);
    this.aspects = aspects;
  }

  /** Results files of one judgment, merged by idx. */
  public static DataSelection of(List<ResultsInput> files) {
    return new DataSelection(files, false);
  }

  /** One results file per aspect, the same samples judged on each. */
  public static DataSelection ofAspects(List<ResultsInput> files) {
    return new DataSelection(files, true);
  }

  /** The ranking score (default lager_wo). */
  public DataSelection by(ScoreMethod score) {
    this.by = Objects.requireNonNull(score, "score");
    return this;
  }

  /** How many to keep. */
  public DataSelection rule(Selection.Rule r) {
    this.rule = Objects.requireNonNull(r, "rule");
    return this;
  }

  /** Layer weights (lager tune): adds lager_w. */
  public DataSelection weights(Path file) {
    this.weights = file;
    return this;
  }

  public DataSelection reuseWeights(boolean b) {
    this.reuseWeights = b;
    return this;
  }

  /**
   * The values human scores may take ({@code --human-range}); null (the default): the results'
   * label set, its smallest to its largest value ({@link HumanScoredData}).
   */
  public DataSelection humanRange(HumanRange range) {
    this.humanRange = range;
    return this;
  }

  /** Ranks and selects; the human scores are checked first ({@link HumanScoredData}). */
  public Result run() {
    Objects.requireNonNull(rule, "rule");
    LayerWeights w = weights == null ? null : LayerWeightsJson.read(weights);
    if (by.isTuned() && w == null) {
      throw new IllegalArgumentException("--score " + by.key() + " needs --weights");
    }
    List<SampleSets.Source> sources = new ArrayList<>();
    int files = 0;
    int unique = 0;
    int dropped = 0;
    if (aspects) {
      inputs.forEach(in -> sources.add(new SampleSets.Source(in.name(), in.samples())));
    } else {
      List<SampleSets.Source> parts = inputs.stream()
          .map(in -> new SampleSets.Source(in.name(), in.samples())).toList();
      SampleSets.Merged merged = SampleSets.mergeByIdx(parts);
      files = parts.size();
      unique = merged.samples().size();
      dropped = merged.duplicatesDropped();
      sources.add(new SampleSets.Source(parts.size() == 1 ? parts.get(0).name()
          : String.join(" + ", inputs.stream().map(ResultsInput::name).toList()),
          merged.samples()));
    }
    HumanScoredData.check(sources, humanRange);
    List<ScoreMethod> methods = new ArrayList<>(ScoreMethod.MAIN);
    if (w == null) {
      methods.removeIf(ScoreMethod::isTuned);
    }
    Selection.Report report = Selection.select(sources, by, methods, w,
        weights == null ? null : weights.toString(), reuseWeights, rule);
    return new Result(report, files, unique, dropped);
  }

  /**
   * Copies the lines of {@code inputs} (JSON Lines; idx = the line's idx field, else its position)
   * whose idx is selected to {@code out}, exactly as written and in file order; returns how many.
   */
  public static int copySelected(Path inputs, Path out, List<Long> selected) {
    Map<Long, String> lines = InputLines.read(inputs);
    Set<Long> wanted = new HashSet<>(selected);
    for (long idx : selected) {
      if (!lines.containsKey(idx)) {
        throw new InvalidInputException("idx " + idx + " is selected but " + inputs
            + " has no line with that idx (are these the inputs that were judged?)");
      }
    }
    int[] written = {0};
    JsonFile.write(out, w -> {
      for (Map.Entry<Long, String> e : lines.entrySet()) {
        if (wanted.contains(e.getKey())) {
          w.write(e.getValue());
          w.write('\n');
          written[0]++;
        }
      }
    });
    return written[0];
  }
}
