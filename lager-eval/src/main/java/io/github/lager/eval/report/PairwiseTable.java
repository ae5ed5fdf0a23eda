package io.github.lager.eval.report;

import io.github.lager.core.math.LabelSet;
import io.github.lager.core.math.PairwiseScore.Outcome;
import io.github.lager.core.math.ScoreMethod;
import io.github.lager.eval.PairwiseEvaluation;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The pairwise evaluation as `lager evaluate` prints it; outcomes are named with their labels. */
public final class PairwiseTable {
  private PairwiseTable() {}

  public static void print(PairwiseEvaluation.Report r, PrintWriter out) {
    LabelSet s = r.labelSet();
    out.printf(Locale.ROOT, "pairwise judgments on the labels %s (%s = A better, %s = tie, %s = B"
        + " better), %s: %d samples (%d invalid skipped: no score token%s)%n", s.describe(),
        label(s, Outcome.A_BETTER), label(s, Outcome.TIE), label(s, Outcome.B_BETTER),
        r.swapped() ? "each judged in both orders (A, B) and (B, A), averaged" : "one order",
        r.n(), r.skippedInvalid(), r.swapped() ? " in an order" : "");
    Map<Outcome, Integer> m = r.majorities();
    out.printf("human majority: %d A better, %d tie, %d B better; %d split vote%s without a"
        + " majority, left out of accuracy and kappa%n", m.get(Outcome.A_BETTER),
        m.get(Outcome.TIE), m.get(Outcome.B_BETTER), r.noMajority(),
        r.noMajority() == 1 ? "" : "s");
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"score_type", "n", "accuracy", "accuracy w/o ties", "n w/o ties",
        "cohen_kappa",
        "swap_consistency", "predicted " + label(s, Outcome.A_BETTER) + "/"
            + label(s, Outcome.TIE) + "/" + label(s, Outcome.B_BETTER)});
    for (Map.Entry<ScoreMethod, PairwiseEvaluation.Row> e : r.rows().entrySet()) {
      PairwiseEvaluation.Row row = e.getValue();
      rows.add(new String[] {e.getKey().key(), Integer.toString(row.n()),
          ReportTable.fmt(row.accuracy()),
          ReportTable.fmt(row.accuracyWithoutTies()), Integer.toString(row.withoutTies()),
          ReportTable.fmt(row.cohenKappa()),
          row.swapConsistency().isPresent() ? ReportTable.fmt(row.swapConsistency().getAsDouble())
              : "-",
          row.predicted().get(Outcome.A_BETTER) + "/" + row.predicted().get(Outcome.TIE) + "/"
              + row.predicted().get(Outcome.B_BETTER)});
    }
    out.print(ReportTable.table(rows, ReportTable.NAN + ": undefined (no sample to count, or"
        + " Cohen's kappa when both sides use one and the same label); --json writes it as null"));
    out.println("prediction: the outcome nearest to the score (below 0.5 A, above 1.5 B, else a"
        + " tie)" + (r.swapped() ? ", the score averaged over both orders" : "")
        + "; accuracy w/o ties: samples where neither the majority nor the prediction is a tie");
    r.humanCeiling().ifPresent(c -> out.printf(Locale.ROOT, "human ceiling: each annotator"
        + " against the majority of the others, %d comparisons (%d skipped: the others split):"
        + " accuracy %s, cohen_kappa %s%n", c.comparisons(), c.skipped(),
        ReportTable.fmt(c.accuracy()), ReportTable.fmt(c.cohenKappa())));
  }

  private static String label(LabelSet s, Outcome o) {
    return s.labelOf(o.value());
  }
}
