package io.github.lager.eval.report;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.github.lager.core.io.JsonFile;
import io.github.lager.core.io.OutputFile;
import io.github.lager.core.math.LabelSet;
import io.github.lager.core.math.LayerWeights;
import io.github.lager.core.math.PairwiseScore;
import io.github.lager.core.math.ScoreMethod;
import io.github.lager.eval.CorrelationRow;
import io.github.lager.eval.EvaluationReport;
import io.github.lager.eval.PairwiseEvaluation;
import io.github.lager.eval.Report;
import io.github.lager.eval.ScoreColumns;
import io.github.lager.eval.Selection;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code --json}: {@code {"n", "skipped_invalid", "rows": {"<score>": {"pearson", "spearman",
 * "kendall_tau"}}}} plus what the run was made of ({@code left_out}, {@code duplicates_dropped},
 * {@code entries}, {@code per_entry}, {@code weights}) and the sections of the statistics asked
 * for ({@link StatisticsJson}: {@code bootstrap}, {@code comparisons}, {@code human_ceiling},
 * {@code groups}, {@code answerability}, {@code calibration}). Strict JSON: an undefined
 * correlation (a constant score, fewer than two samples) is {@code null}, never a bare
 * {@code NaN}.
 */
public final class ReportJson {
  private ReportJson() {}

  /**
   * Writes a selection as {@code lager select --json} does ({@link StatisticsJson#selection});
   * {@code out} is the file the selected lines went to, or null.
   */
  public static void writeSelection(Path file, Selection.Report report, Path out) {
    JsonObject o = StatisticsJson.selection(report);
    if (out != null) {
      o.addProperty("out", out.toString());
    }
    save(file, o);
  }

  /** Writes {@code report} as {@code lager evaluate --json} does. */
  public static void write(Path file, Report report) {
    LayerWeights weights = report.layerWeights().orElse(null);
    if (report.pairwise().isPresent()) {
      writePairwise(file, report.pairwise().get(), report.pairwiseEntries(), report.leftOut(),
          report.duplicatesDropped(), weights);
    } else if (report.correlations().isEmpty()) {
      writeWithoutCorrelations(file, report.columns(), report.leftOut(),
          report.duplicatesDropped(), sections(report));
    } else {
      write(file, report.correlations().get(), report.leftOut(), report.duplicatesDropped(),
          weights, sections(report));
    }
  }

  /** The statistics' sections, in the order they were computed. */
  private static JsonObject sections(Report r) {
    JsonObject sections = new JsonObject();
    r.ceiling().ifPresent(c -> sections.add("human_ceiling", StatisticsJson.ceiling(c)));
    r.bootstrap().ifPresent(b -> {
      sections.add("bootstrap", StatisticsJson.bootstrap(b.report(), b.seed()));
      if (!b.report().comparisons().isEmpty()) {
        sections.add("comparisons", StatisticsJson.comparisons(b.report()));
      }
    });
    r.groups().ifPresent(g -> sections.add("groups", StatisticsJson.groups(g,
        r.bootstrap().map(Report.BootstrapSection::seed).orElse(0L))));
    r.answerability().ifPresent(a -> sections.add("answerability",
        StatisticsJson.answerability(a.report(), a.field())));
    r.calibration().ifPresent(c -> sections.add("calibration",
        StatisticsJson.calibration(c.report())));
    return sections;
  }

  static void write(Path file, EvaluationReport report, int leftOut, int duplicatesDropped,
      LayerWeights weights, JsonObject sections) {
    JsonObject root = new JsonObject();
    root.addProperty("n", report.n());
    root.addProperty("skipped_invalid", report.skippedInvalid());
    JsonObject rows = new JsonObject();
    for (Map.Entry<ScoreMethod, CorrelationRow> e : report.rows().entrySet()) {
      rows.add(e.getKey().key(), row(e.getValue()));
    }
    root.add("rows", rows);
    root.addProperty("left_out", leftOut);
    root.addProperty("duplicates_dropped", duplicatesDropped);
    root.addProperty("entries", report.entries());
    root.addProperty("points", report.points());
    addLabels(root, report.labelSet());
    JsonArray perEntry = new JsonArray();
    for (int l = 0; l < report.perEntry().size(); l++) {
      JsonObject r = row(report.perEntry().get(l));
      r.addProperty("entry", l);
      perEntry.add(r);
    }
    root.add("per_entry", perEntry);
    if (weights != null) {
      JsonArray w = new JsonArray();
      for (double v : weights.weights()) {
        w.add(number(v));
      }
      root.add("weights", w);
    }
    sections.entrySet().forEach(e -> root.add(e.getKey(), e.getValue()));
    save(file, root);
  }

  /**
   * The report of samples without human scores (answerability alone): what was evaluated and
   * the statistics' sections, no correlations.
   */
  static void writeWithoutCorrelations(Path file, ScoreColumns columns, int leftOut,
      int duplicatesDropped, JsonObject sections) {
    JsonObject root = new JsonObject();
    root.addProperty("n", columns.n());
    root.addProperty("skipped_invalid", columns.skippedInvalid());
    root.addProperty("left_out", leftOut);
    root.addProperty("duplicates_dropped", duplicatesDropped);
    root.addProperty("entries", columns.entries());
    root.addProperty("points", columns.points());
    addLabels(root, columns.labelSet());
    sections.entrySet().forEach(e -> root.add(e.getKey(), e.getValue()));
    save(file, root);
  }

  /**
   * The pairwise report: {@code {"judgment": "pairwise", "n", "skipped_invalid", "swapped",
   * "human_majority": {"A", "tie", "B", "none"}, "rows": {"<score>": {"n", "accuracy",
   * "accuracy_without_ties", "without_ties_n", "cohen_kappa", "swap_consistency",
   * "predicted": {"A", "tie", "B"}}}, "human_ceiling": {...}}} plus what it was computed on.
   */
  static void writePairwise(Path file, PairwiseEvaluation.Report r, int entries, int leftOut,
      int duplicatesDropped, LayerWeights weights) {
    JsonObject root = new JsonObject();
    root.addProperty("judgment", "pairwise");
    root.addProperty("n", r.n());
    root.addProperty("skipped_invalid", r.skippedInvalid());
    root.addProperty("swapped", r.swapped());
    JsonObject majority = outcomes(r.majorities());
    majority.addProperty("none", r.noMajority());
    root.add("human_majority", majority);
    JsonObject rows = new JsonObject();
    r.rows().forEach((m, row) -> {
      JsonObject o = new JsonObject();
      o.addProperty("n", row.n());
      o.add("accuracy", number(row.accuracy()));
      o.add("accuracy_without_ties", number(row.accuracyWithoutTies()));
      o.addProperty("without_ties_n", row.withoutTies());
      o.add("cohen_kappa", number(row.cohenKappa()));
      if (row.swapConsistency().isPresent()) {
        o.add("swap_consistency", number(row.swapConsistency().getAsDouble()));
      }
      o.add("predicted", outcomes(row.predicted()));
      rows.add(m.key(), o);
    });
    root.add("rows", rows);
    r.humanCeiling().ifPresent(c -> {
      JsonObject o = new JsonObject();
      o.addProperty("comparisons", c.comparisons());
      o.addProperty("skipped", c.skipped());
      o.add("accuracy", number(c.accuracy()));
      o.add("cohen_kappa", number(c.cohenKappa()));
      root.add("human_ceiling", o);
    });
    root.addProperty("left_out", leftOut);
    root.addProperty("duplicates_dropped", duplicatesDropped);
    root.addProperty("entries", entries);
    root.addProperty("points", r.labelSet().size());
    addLabels(root, r.labelSet());
    if (weights != null) {
      JsonArray w = new JsonArray();
      for (double v : weights.weights()) {
        w.add(number(v));
      }
      root.add("weights", w);
    }
    save(file, root);
  }

  private static JsonObject outcomes(Map<PairwiseScore.Outcome, Integer> counts) {
    JsonObject o = new JsonObject();
    counts.forEach((k, v) -> o.addProperty(k.key(), v));
    return o;
  }

  /** {@code "labels": [...], "label_values": [...]}. */
  private static void addLabels(JsonObject root, LabelSet labelSet) {
    JsonArray labels = new JsonArray();
    labelSet.labels().forEach(labels::add);
    JsonArray values = new JsonArray();
    for (double v : labelSet.values()) {
      values.add(v);
    }
    root.add("labels", labels);
    root.add("label_values", values);
  }

  /** Writes {@code root} as pretty-printed JSON ({@link JsonFile}); an undefined number is null. */
  public static void save(Path file, JsonObject root) {
    JsonFile.write(file, root);
  }

  /** Writes {@code root} to a checked output ({@link OutputFile#checkAll}), whole or not at all. */
  public static void save(OutputFile file, JsonObject root) {
    JsonFile.write(file, root);
  }

  private static JsonObject row(CorrelationRow r) {
    JsonObject o = new JsonObject();
    o.add("pearson", number(r.pearson()));
    o.add("spearman", number(r.spearman()));
    o.add("kendall_tau", number(r.kendallTau()));
    return o;
  }

  /** A finite number, or JSON null for an undefined (NaN) value. */
  public static JsonElement number(double v) {
    return Double.isFinite(v) ? new JsonPrimitive(v) : JsonNull.INSTANCE;
  }
}
