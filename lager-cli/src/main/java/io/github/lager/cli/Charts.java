package io.github.lager.cli;

import io.github.lager.core.eval.CorrelationRow;
import io.github.lager.core.eval.EvaluationReport;
import io.github.lager.core.math.ScoreMethod;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** {@code --plots DIR}: the per-layer correlation curve and the score histogram as PNG. */
final class Charts {
  static final String LAYERS = "layer-correlation.png";
  static final String HISTOGRAM = "score-histogram.png";

  private Charts() {}

  /** Spearman and Pearson of each entry's E-score, with the aggregated scores as flat lines. */
  static Path layerCurve(Path dir, EvaluationReport report) {
    XYChart chart = new XYChartBuilder().width(900).height(500)
        .title("Agreement with human scores by layer (" + report.n() + " samples)")
        .xAxisTitle("hidden-state entry (0 = embeddings, " + (report.entries() - 1)
            + " = final norm)")
        .yAxisTitle("correlation").build();
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
    int n = report.perEntry().size();
    double[] x = new double[n];
    double[] spearman = new double[n];
    double[] pearson = new double[n];
    for (int l = 0; l < n; l++) {
      x[l] = l;
      spearman[l] = zeroIfNaN(report.perEntry().get(l).spearman());
      pearson[l] = zeroIfNaN(report.perEntry().get(l).pearson());
    }
    chart.addSeries("Spearman, E-score of entry l", x, spearman).setMarker(SeriesMarkers.CIRCLE);
    chart.addSeries("Pearson, E-score of entry l", x, pearson).setMarker(SeriesMarkers.DIAMOND);
    for (Map.Entry<ScoreMethod, CorrelationRow> e : report.rows().entrySet()) {
      if (e.getKey() == ScoreMethod.LAGER_WO || e.getKey() == ScoreMethod.LAGER_W) {
        double s = zeroIfNaN(e.getValue().spearman());
        XYSeries line = chart.addSeries(e.getKey().key() + " Spearman "
            + ReportTable.fmt(e.getValue().spearman()), new double[] {0, n - 1}, new double[] {s, s});
        line.setMarker(SeriesMarkers.NONE);
      }
    }
    return save(chart, dir.resolve(LAYERS));
  }

  /** Counts of the human scores and of the main scores in half-point bins over 1..K. */
  static Path histogram(Path dir, int points, Map<String, double[]> scores) {
    List<String> bins = new ArrayList<>();
    for (double lo = 1; lo < points; lo += 0.5) {
      bins.add(String.format(Locale.ROOT, "%.1f-%.1f", lo, lo + 0.5));
    }
    CategoryChart chart = new CategoryChartBuilder().width(900).height(500)
        .title("Score distributions").xAxisTitle("score").yAxisTitle("samples").build();
    chart.getStyler().setOverlapped(false);
    for (Map.Entry<String, double[]> e : scores.entrySet()) {
      List<Integer> counts = new ArrayList<>();
      for (int b = 0; b < bins.size(); b++) {
        counts.add(0);
      }
      for (double v : e.getValue()) {
        int b = (int) Math.min(bins.size() - 1, Math.max(0, Math.floor((v - 1) * 2)));
        counts.set(b, counts.get(b) + 1);
      }
      chart.addSeries(e.getKey(), bins, counts);
    }
    return save(chart, dir.resolve(HISTOGRAM));
  }

  private static double zeroIfNaN(double v) {
    return Double.isNaN(v) ? 0 : v;
  }

  private static Path save(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
