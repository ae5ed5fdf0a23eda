package io.github.lager.eval;

import io.github.lager.core.InvalidInputException;
import io.github.lager.core.io.ScoredSample;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The samples of an evaluation split into groups (a FLASK skill, a benchmark's category), each
 * group a {@link ScoreColumns} of its own for a table per group. Groups are ordered by size,
 * largest first, then by name.
 */
public final class Groups {
  /** Fewer samples than this give no correlation worth reporting (2 points always give +-1). */
  public static final int MIN_SIZE = 3;

  private Groups() {}

  /**
   * @param labels each sample's group by {@code idx}
   * @param what what the labels are, for messages (e.g. "field 'skill'")
   */
  public static Map<String, ScoreColumns> split(ScoreColumns columns, Map<Long, String> labels,
      String what) {
    Objects.requireNonNull(labels, "labels");
    Map<String, List<Integer>> rows = new LinkedHashMap<>();
    for (int i = 0; i < columns.n(); i++) {
      long idx = columns.samples().get(i).idx();
      String label = labels.get(idx);
      if (label == null) {
        throw new InvalidInputException("idx " + idx + " has no " + what + " to group by");
      }
      rows.computeIfAbsent(label, k -> new ArrayList<>()).add(i);
    }
    List<Map.Entry<String, List<Integer>>> ordered = new ArrayList<>(rows.entrySet());
    ordered.sort(Comparator.<Map.Entry<String, List<Integer>>>comparingInt(e -> -e.getValue().size())
        .thenComparing(Map.Entry::getKey));
    Map<String, ScoreColumns> groups = new LinkedHashMap<>();
    for (Map.Entry<String, List<Integer>> e : ordered) {
      groups.put(e.getKey(), columns.subset(e.getValue().stream().mapToInt(Integer::intValue)
          .toArray()));
    }
    return groups;
  }

  /**
   * Each sample's group read from its prompt with {@code regex}: the first capturing group of
   * the first match (the whole match when the pattern has no group). A sample without a prompt,
   * or whose prompt does not match, fails with its {@code idx}.
   */
  public static Map<Long, String> labelsFromPrompts(List<ScoredSample> samples, Pattern regex) {
    Map<Long, String> labels = new LinkedHashMap<>();
    for (ScoredSample s : samples) {
      String prompt = s.prompt().orElseThrow(() -> new InvalidInputException("idx " + s.idx()
          + " has no prompt; grouping by a regex over the prompt needs one in every sample"));
      Matcher m = regex.matcher(prompt);
      if (!m.find()) {
        throw new InvalidInputException("idx " + s.idx() + ": the prompt does not match the"
            + " group regex /" + regex.pattern() + "/; every sample must fall in a group");
      }
      String label = m.groupCount() >= 1 ? m.group(1) : m.group();
      labels.put(s.idx(), label == null ? "" : label.strip());
    }
    return labels;
  }
}
