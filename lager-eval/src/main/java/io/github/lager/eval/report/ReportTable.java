package io.github.lager.eval.report;

import io.github.lager.core.math.ScoreMethod;
import io.github.lager.eval.CorrelationRow;
import io.github.lager.eval.EvaluationReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The evaluation table as the reference prints it (PrettyTable), with four decimals. */
public final class ReportTable {
  /** An undefined correlation, as the reference prints it. */
  public static final String NAN = "nan";
  public static final String NOTE = "nan: the correlation is undefined (a constant score or constant"
      + " human scores, or fewer than two samples); --json writes it as null";

  private ReportTable() {}

  public static String render(EvaluationReport report) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"score_type", "pearson", "spearman", "kendall_tau"});
    for (Map.Entry<ScoreMethod, CorrelationRow> e : report.rows().entrySet()) {
      CorrelationRow r = e.getValue();
      rows.add(new String[] {e.getKey().key(), fmt(r.pearson()), fmt(r.spearman()),
          fmt(r.kendallTau())});
    }
    return table(rows);
  }

  /**
   * A PrettyTable-style table: the first row is the header; the first column is left-aligned,
   * the others right-aligned.
   */
  public static String table(List<String[]> rows) {
    return table(rows, NOTE);
  }

  /** {@link #table(List)} with {@code note} saying what a {@code nan} cell means. */
  public static String table(List<String[]> rows, String note) {
    int columns = rows.get(0).length;
    int[] width = new int[columns];
    for (String[] row : rows) {
      for (int c = 0; c < columns; c++) {
        width[c] = Math.max(width[c], row[c].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    String rule = rule(width);
    sb.append(rule);
    for (int i = 0; i < rows.size(); i++) {
      String[] row = rows.get(i);
      sb.append('|');
      for (int c = 0; c < columns; c++) {
        String cell = c == 0 ? pad(row[c], width[c], false) : pad(row[c], width[c], i > 0);
        sb.append(' ').append(cell).append(" |");
      }
      sb.append('\n');
      if (i == 0) {
        sb.append(rule);
      }
    }
    sb.append(rule);
    if (rows.stream().anyMatch(r -> java.util.Arrays.asList(r).contains(NAN))) {
      sb.append(note).append('\n');
    }
    return sb.toString();
  }

  public static String fmt(double v) {
    return Double.isNaN(v) ? NAN : String.format(Locale.ROOT, "%.4f", v);
  }

  private static String rule(int[] width) {
    StringBuilder sb = new StringBuilder("+");
    for (int w : width) {
      sb.append("-".repeat(w + 2)).append('+');
    }
    return sb.append('\n').toString();
  }

  private static String pad(String s, int w, boolean right) {
    String fill = " ".repeat(w - s.length());
    return right ? fill + s : s + fill;
  }
}
