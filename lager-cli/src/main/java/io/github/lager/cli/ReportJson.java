package io.github.lager.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.github.lager.core.eval.CorrelationRow;
import io.github.lager.core.eval.EvaluationReport;
import io.github.lager.core.eval.ScoreColumns;
import io.github.lager.core.io.FileErrors;
import io.github.lager.core.math.LayerWeights;
import io.github.lager.core.math.ScoreMethod;
import java.io.IOException;
import java.nio.file.Files;
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
final class ReportJson {
  private ReportJson() {}

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
    sections.entrySet().forEach(e -> root.add(e.getKey(), e.getValue()));
    save(file, root);
  }

  /** Writes {@code root} as pretty-printed JSON; an undefined number is {@code null}. */
  static void save(Path file, JsonObject root) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(file,
          new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(root) + "\n");
    } catch (IOException e) {
      throw FileErrors.writing(file, e);
    }
  }

  private static JsonObject row(CorrelationRow r) {
    JsonObject o = new JsonObject();
    o.add("pearson", number(r.pearson()));
    o.add("spearman", number(r.spearman()));
    o.add("kendall_tau", number(r.kendallTau()));
    return o;
  }

  /** A finite number, or JSON null for an undefined (NaN) value. */
  static JsonElement number(double v) {
    return Double.isFinite(v) ? new JsonPrimitive(v) : JsonNull.INSTANCE;
  }
}
