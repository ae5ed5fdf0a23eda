package io.github.lager.eval.report;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.github.lager.core.math.ScoreMethod;
import io.github.lager.core.metrics.PrecisionRecall;
import io.github.lager.eval.Answerability;
import io.github.lager.eval.BootstrapReport;
import io.github.lager.eval.CalibrationReport;
import io.github.lager.eval.Comparison;
import io.github.lager.eval.CorrelationKind;
import io.github.lager.eval.CorrelationRow;
import io.github.lager.eval.HumanCeiling;
import io.github.lager.eval.Interval;
import io.github.lager.eval.Report;
import io.github.lager.eval.Selection;
import java.util.Map;

/**
 * The JSON of the statistics sections (docs/formats.md): strict JSON, an undefined number
 * (a correlation of a constant column) is {@code null}.
 */
public final class StatisticsJson {
  private StatisticsJson() {}

  public static JsonObject bootstrap(BootstrapReport r, long seed) {
    JsonObject o = new JsonObject();
    o.addProperty("resamples", r.resamples());
    o.addProperty("seed", seed);
    o.addProperty("level", r.level());
    JsonObject rows = new JsonObject();
    r.rows().forEach((m, row) -> rows.add(m.key(), intervals(row)));
    o.add("rows", rows);
    r.humanCeiling().ifPresent(c -> o.add("human_ceiling", intervals(c)));
    return o;
  }

  public static JsonArray comparisons(BootstrapReport r) {
    JsonArray a = new JsonArray();
    for (Comparison c : r.comparisons()) {
      JsonObject o = new JsonObject();
      o.addProperty("a", c.a().key());
      o.addProperty("b", c.b().key());
      for (CorrelationKind k : CorrelationKind.values()) {
        JsonObject d = interval(c.difference().get(k));
        d.add("p_one_sided", number(c.pOneSided().get(k)));
        o.add(k.key(), d);
      }
      a.add(o);
    }
    return a;
  }

  public static JsonObject ceiling(HumanCeiling c) {
    JsonObject o = new JsonObject();
    o.addProperty("annotators", c.perAnnotator().size());
    JsonArray per = new JsonArray();
    c.perAnnotator().forEach(r -> per.add(correlations(r)));
    o.add("per_annotator", per);
    o.add("mean", correlations(c.mean()));
    return o;
  }

  public static JsonObject answerability(Answerability.Report r, String field) {
    JsonObject o = new JsonObject();
    o.addProperty("label_field", field);
    o.addProperty("frac", r.frac());
    o.addProperty("answerable", r.answerable());
    o.addProperty("unanswerable", r.unanswerable());
    JsonObject rows = new JsonObject();
    r.results().forEach((m, res) -> {
      PrecisionRecall pr = res.unanswerable();
      JsonObject row = new JsonObject();
      row.add("threshold", number(res.threshold()));
      row.add("precision", number(pr.precision()));
      row.add("recall", number(pr.recall()));
      row.add("f1", number(pr.f1()));
      row.addProperty("tp", pr.truePositives());
      row.addProperty("fp", pr.falsePositives());
      row.addProperty("fn", pr.falseNegatives());
      row.addProperty("tn", pr.trueNegatives());
      rows.add(m.key(), row);
    });
    o.add("rows", rows);
    return o;
  }

  public static JsonObject calibration(CalibrationReport r) {
    JsonObject o = new JsonObject();
    o.addProperty("method", r.method().key());
    o.addProperty("applied", r.description());
    JsonObject rows = new JsonObject();
    r.rows().forEach((m, row) -> {
      JsonObject x = new JsonObject();
      x.add("before", agreement(row.before()));
      x.add("after", agreement(row.after()));
      rows.add(m.key(), x);
    });
    o.add("rows", rows);
    JsonArray un = new JsonArray();
    r.uncalibrated().forEach(m -> un.add(m.key()));
    o.add("uncalibrated", un);
    return o;
  }

  public static JsonObject selection(Selection.Report r) {
    JsonObject o = new JsonObject();
    o.addProperty("n", r.n());
    o.addProperty("skipped_invalid", r.skippedInvalid());
    o.addProperty("aspects", r.aspects());
    o.addProperty("score", r.by().key());
    if (r.rule().fraction() > 0) {
      o.addProperty("top_frac", r.rule().fraction());
    } else {
      o.addProperty("top_n", r.rule().count());
    }
    o.addProperty("ties", "broken by the smaller idx");
    o.addProperty("selected", r.selected().selectedIdx().size());
    r.selected().meanHumanSelected().ifPresent(v -> o.add("mean_human_selected", number(v)));
    r.meanHumanAll().ifPresent(v -> o.add("mean_human_all", number(v)));
    JsonArray idx = new JsonArray();
    r.selected().selectedIdx().forEach(idx::add);
    o.add("selected_idx", idx);
    JsonObject baselines = new JsonObject();
    for (Map.Entry<ScoreMethod, Selection.Choice> e : r.selections().entrySet()) {
      if (e.getKey() == r.by()) {
        continue;
      }
      JsonObject b = new JsonObject();
      e.getValue().meanHumanSelected().ifPresent(v -> b.add("mean_human_selected", number(v)));
      b.addProperty("overlap", e.getValue().overlap());
      JsonArray bi = new JsonArray();
      e.getValue().selectedIdx().forEach(bi::add);
      b.add("selected_idx", bi);
      baselines.add(e.getKey().key(), b);
    }
    o.add("baselines", baselines);
    return o;
  }

  /** {@code {"by", "groups": [{"group", "n", "rows"?, "bootstrap"?}]}}. */
  public static JsonObject groups(Report.GroupsSection g, long seed) {
    JsonArray json = new JsonArray();
    for (Report.Group group : g.groups()) {
      JsonObject o = new JsonObject();
      o.addProperty("group", group.name());
      o.addProperty("n", group.n());
      group.correlations().ifPresent(report -> {
        JsonObject rows = new JsonObject();
        report.rows().forEach((m, r) -> rows.add(m.key(), correlations(r)));
        o.add("rows", rows);
      });
      group.bootstrap().ifPresent(b -> o.add("bootstrap", bootstrap(b, seed)));
      json.add(o);
    }
    JsonObject section = new JsonObject();
    section.addProperty("by", g.by());
    section.add("groups", json);
    return section;
  }

  public static JsonObject correlations(CorrelationRow r) {
    JsonObject o = new JsonObject();
    for (CorrelationKind k : CorrelationKind.values()) {
      o.add(k.key(), number(k.of(r)));
    }
    return o;
  }

  private static JsonObject agreement(CalibrationReport.Agreement a) {
    JsonObject o = correlations(a.correlations());
    o.add("mae", number(a.mae()));
    o.add("rmse", number(a.rmse()));
    return o;
  }

  private static JsonObject intervals(Map<CorrelationKind, Interval> row) {
    JsonObject o = new JsonObject();
    row.forEach((k, i) -> o.add(k.key(), interval(i)));
    return o;
  }

  private static JsonObject interval(Interval i) {
    JsonObject o = new JsonObject();
    o.add("estimate", number(i.estimate()));
    o.add("low", number(i.low()));
    o.add("high", number(i.high()));
    o.addProperty("undefined_resamples", i.undefined());
    return o;
  }

  public static com.google.gson.JsonElement number(double v) {
    return Double.isFinite(v) ? new JsonPrimitive(v) : JsonNull.INSTANCE;
  }
}
