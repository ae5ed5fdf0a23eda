package io.github.lager.eval.report;

import io.github.lager.core.InvalidInputException;
import io.github.lager.core.calibration.CalibrationMap;
import io.github.lager.core.io.OutputFile;
import io.github.lager.core.math.LabelSet;
import io.github.lager.core.math.ScoreMethod;
import io.github.lager.eval.BootstrapReport;
import io.github.lager.eval.CorrelationKind;
import io.github.lager.eval.CorrelationRow;
import io.github.lager.eval.EvaluationReport;
import io.github.lager.eval.Interval;
import io.github.lager.eval.Report;
import io.github.lager.eval.ScoreColumns;
import io.github.lager.eval.Selection;
import java.awt.BasicStroke;
import java.awt.Color;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The PNG charts of {@code --plots DIR}. Every chart has labelled axes and the number of samples
 * in its title; Pearson and Spearman are never drawn on one set of axes; an undefined value (the
 * correlation of a constant column) is a gap, never a 0.
 */
public final class ReportCharts {
  public static final String LAYERS = "layer-correlation.png";
  public static final String HISTOGRAM = "score-histogram.png";
  public static final String INTERVALS = "correlation-intervals.png";
  public static final String CALIBRATION = "calibration.png";
  public static final String SELECTION = "selection.png";

  /**
   * One look per score, the same in every chart. lager_wo is a wide light line and lager_w a thin
   * dark dashed one, so that both stay visible where they coincide.
   */
  private record Look(Color color, BasicStroke line, String label) {}

  private static final Map<ScoreMethod, Look> LOOKS = Map.of(
      ScoreMethod.DIRECT_SCORE, new Look(new Color(0x70, 0x70, 0x70), stroke(2f),
          "direct_score (VScore, printed score)"),
      ScoreMethod.E_SCORE, new Look(new Color(0xE6, 0x9F, 0x00), stroke(2.5f, 2f, 3f),
          "e_score (G-Eval, final layer)"),
      ScoreMethod.LAGER_WO, new Look(new Color(0x56, 0xB4, 0xE9, 170), stroke(7f),
          "lager_wo (all layers, uniform weights)"),
      ScoreMethod.LAGER_W, new Look(new Color(0xA0, 0x20, 0x00), stroke(2f, 8f, 5f),
          "lager_w (all layers, tuned weights)"));

  /** A solid line, or a dashed one with the given dash and gap lengths. */
  private static BasicStroke stroke(float width, float... dashGap) {
    return dashGap.length == 0 ? new BasicStroke(width)
        : new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, dashGap, 0f);
  }

  private static final Color PER_ENTRY = new Color(0x00, 0x9E, 0x73);
  private static final int WIDTH = 1000;
  private static final int PANEL_HEIGHT = 460;

  private ReportCharts() {}

  /**
   * The charts of {@code lager evaluate --plots} for {@code report} into {@code dir}: the
   * bootstrap intervals (with a bootstrap), the per-layer curve and the score histogram, in that
   * order; returns the files written.
   */
  public static List<Path> write(Path dir, Report report) {
    List<Path> files = new ArrayList<>();
    report.bootstrap().ifPresent(b -> files.add(intervals(dir, b.report(), report.columns().n())));
    EvaluationReport correlations = report.correlations().orElseThrow(() ->
        new IllegalArgumentException("charts need correlations with human scores"));
    files.add(layerCurve(dir, correlations));
    files.add(histogram(dir, correlations.labelSet(), report.columns().idx(),
        histogramSeries(report.columns())));
    return files;
  }

  /**
   * The human scores and the expected-value scores. The E-score is recomputed from the logits in
   * double precision: the stored one (the reference's bf16) can exceed the scale (83 of 539 on
   * FLASK are above 5.0), and the histogram refuses values outside it. direct_score is an
   * integer and left out.
   */
  private static Map<String, double[]> histogramSeries(ScoreColumns columns) {
    Map<String, double[]> series = new LinkedHashMap<>();
    series.put("human (mean)", columns.human());
    series.put("e_score (from the logits)", columns.samples().stream()
        .mapToDouble(
            s -> ScoreMethod.E_SCORE.score(s.logits().orElseThrow(), null, s.requireLabelSet()))
        .toArray());
    for (ScoreMethod m : List.of(ScoreMethod.LAGER_WO, ScoreMethod.LAGER_W)) {
      if (columns.has(m)) {
        series.put(m.key(), columns.scores(m));
      }
    }
    return series;
  }

  /**
   * Two panels, Spearman above Pearson: the correlation of each hidden-state entry's own E-score
   * (a gap where it is undefined: entry 0, the embeddings, usually gives every sample the same
   * score) and the aggregated scores as horizontal lines, the printed score as the baseline.
   */
  public static Path layerCurve(Path dir, EvaluationReport report) {
    List<XYChart> panels = new ArrayList<>();
    for (CorrelationKind k : List.of(CorrelationKind.SPEARMAN, CorrelationKind.PEARSON)) {
      int n = report.perEntry().size();
      double[] x = new double[n];
      double[] y = new double[n];
      List<Integer> undefined = new ArrayList<>();
      for (int l = 0; l < n; l++) {
        x[l] = l;
        y[l] = k.of(report.perEntry().get(l));
        if (Double.isNaN(y[l])) {
          undefined.add(l);
        }
      }
      String name = title(k);
      XYChart chart = new XYChartBuilder().width(WIDTH).height(PANEL_HEIGHT)
          .title(name + " correlation with the human scores by layer (N = " + report.n()
              + " samples)")
          .xAxisTitle("hidden-state entry l (0 = embeddings, " + (n - 1) + " = final norm)")
          .yAxisTitle(name + " correlation").build();
      style(chart);
      chart.getStyler().setLegendPosition(LegendPosition.OutsideS);
      chart.getStyler().setXAxisMin(0.0).setXAxisMax((double) n - 1);
      chart.getStyler().setXAxisTickMarkSpacingHint(40);
      double lowest = Arrays.stream(y).filter(v -> !Double.isNaN(v)).min().orElse(0);
      for (int l : undefined) {
        // Where a point is missing, say why: every sample gets the same score there.
        chart.addAnnotation(new AnnotationText("undefined", l, lowest, false));
      }
      for (Map.Entry<ScoreMethod, CorrelationRow> e : report.rows().entrySet()) {
        Look look = LOOKS.get(e.getKey());
        double v = k.of(e.getValue());
        if (look == null || Double.isNaN(v)) {
          continue;
        }
        XYSeries line = chart.addSeries(look.label() + ": " + ReportTable.fmt(v),
            new double[] {0, n - 1}, new double[] {v, v});
        line.setMarker(SeriesMarkers.NONE);
        line.setLineColor(look.color());
        line.setLineStyle(look.line());
      }
      XYSeries curve = chart.addSeries("E-score of entry l alone" + (undefined.isEmpty() ? ""
          : " (no point at " + entries(undefined) + ": every sample gets the same score there,"
              + " so the correlation is undefined)"), x, y);
      curve.setMarker(SeriesMarkers.CIRCLE).setMarkerColor(PER_ENTRY);
      curve.setLineColor(PER_ENTRY);
      panels.add(chart);
    }
    return save(panels, 2, 1, dir.resolve(LAYERS));
  }

  /**
   * Counts of each series in bins over the label set's range [min, max] of values: {@code 2 (K -
   * 1)} equal bins, half a step each on the paper's scales ({@code [1.0, 1.5)}, ...,
   * {@code [K-0.5, K]}), the last one closed. A value outside the range is refused, naming the
   * sample, rather than counted in an edge bin. When the labels are not their own values, the
   * axis title names each label's value.
   *
   * @param idx each sample's idx, for messages
   * @param series name to one value per sample
   */
  public static Path histogram(Path dir, LabelSet labelSet, long[] idx,
      Map<String, double[]> series) {
    int bins = 2 * (labelSet.size() - 1);
    double min = labelSet.minValue();
    double width = (labelSet.maxValue() - min) / bins;
    List<String> labels = new ArrayList<>();
    for (int b = 0; b < bins; b++) {
      labels.add(String.format(Locale.ROOT, "[%s, %s%s", edge(min + b * width),
          edge(min + (b + 1) * width), b == bins - 1 ? "]" : ")"));
    }
    CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(500)
        .title("Score distributions (N = " + idx.length + " samples; bins [a, b), the last one "
            + labels.get(bins - 1) + ")")
        .xAxisTitle("score (bin)" + (labelSet.labelsAreValues() ? "" : "; labels "
            + labelSet.describe()))
        .yAxisTitle("samples").build();
    style(chart);
    chart.getStyler().setOverlapped(false);
    chart.getStyler().setLegendPosition(LegendPosition.InsideNW);
    chart.getStyler().setYAxisDecimalPattern("#,##0");
    for (Map.Entry<String, double[]> e : series.entrySet()) {
      List<Integer> list = new ArrayList<>();
      for (int c : binCounts(labelSet, idx, e.getKey(), e.getValue())) {
        list.add(c);
      }
      chart.addSeries(e.getKey(), labels, list).setFillColor(colorOf(e.getKey()));
    }
    return save(List.of(chart), 1, 1, dir.resolve(HISTOGRAM));
  }

  private static String edge(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  /**
   * Counts in the bins of {@link #histogram}; a value outside the label set's range fails naming
   * the series and the sample.
   */
  public static int[] binCounts(LabelSet labelSet, long[] idx, String name, double[] values) {
    int bins = 2 * (labelSet.size() - 1);
    double min = labelSet.minValue();
    double max = labelSet.maxValue();
    int[] counts = new int[bins];
    for (int i = 0; i < values.length; i++) {
      double v = values[i];
      if (!(v >= min && v <= max)) {
        throw new InvalidInputException("cannot plot the score histogram: " + name + " of idx "
            + idx[i] + " is " + v + ", outside the range " + LabelSet.fmt(min) + "-"
            + LabelSet.fmt(max) + " of the labels " + labelSet.describe()
            + " (values outside it are refused, not counted in an edge bin)");
      }
      counts[Math.min(bins - 1, (int) Math.floor((v - min) * bins / (max - min)))]++;
    }
    return counts;
  }

  /**
   * One panel per correlation: each score's estimate (dot) and bootstrap percentile interval
   * (bar), and the human ceiling when there is one.
   */
  public static Path intervals(Path dir, BootstrapReport report, int n) {
    Map<String, Map<CorrelationKind, Interval>> rows = new LinkedHashMap<>();
    report.rows().forEach((m, r) -> rows.put(m.key(), r));
    report.humanCeiling().ifPresent(c -> rows.put("human ceiling", c));
    List<String> names = new ArrayList<>(rows.keySet());
    String level = Math.round(100 * report.level()) + "%";
    List<XYChart> panels = new ArrayList<>();
    for (CorrelationKind k : CorrelationKind.values()) {
      XYChart chart = new XYChartBuilder().width(WIDTH).height(PANEL_HEIGHT)
          .title(title(k) + " with the human scores, " + level + " bootstrap intervals (N = " + n
              + " samples, " + report.resamples() + " resamples)")
          .xAxisTitle("score (named in the legend, left to right)")
          .yAxisTitle(title(k) + " correlation").build();
      style(chart);
      chart.getStyler().setLegendPosition(LegendPosition.OutsideE);
      chart.getStyler().setXAxisTicksVisible(false);
      chart.getStyler().setXAxisMin(0.5).setXAxisMax(names.size() + 0.5);
      for (int i = 0; i < names.size(); i++) {
        Interval iv = rows.get(names.get(i)).get(k);
        Color color = colorOf(names.get(i));
        String label = names.get(i) + ": " + ReportTable.fmt(iv.estimate()) + " ["
            + ReportTable.fmt(iv.low()) + ", " + ReportTable.fmt(iv.high()) + "]";
        if (!Double.isNaN(iv.low())) {
          XYSeries bar = chart.addSeries(label, new double[] {i + 1, i + 1},
              new double[] {iv.low(), iv.high()});
          bar.setMarker(SeriesMarkers.NONE);
          bar.setLineColor(color);
          bar.setLineStyle(stroke(4f));
        }
        XYSeries dot = chart.addSeries(names.get(i) + " estimate", new double[] {i + 1},
            new double[] {iv.estimate()});
        dot.setMarker(SeriesMarkers.CIRCLE).setMarkerColor(color);
        dot.setLineStyle(SeriesLines.NONE);
        dot.setShowInLegend(Double.isNaN(iv.low()));
      }
      panels.add(chart);
    }
    return save(panels, panels.size(), 1, dir.resolve(INTERVALS));
  }

  /**
   * One panel per score: each sample's raw score against its human score, the fitted map, and
   * the identity line (a calibrated score should fall near it on average).
   */
  public static Path calibration(Path dir, String method, Map<ScoreMethod, double[]> scores,
      double[] human, Map<ScoreMethod, CalibrationMap> maps, LabelSet labelSet) {
    double lo = labelSet.minValue();
    double hi = labelSet.maxValue();
    List<XYChart> panels = new ArrayList<>();
    for (Map.Entry<ScoreMethod, CalibrationMap> e : maps.entrySet()) {
      double[] x = scores.get(e.getKey());
      XYChart chart = new XYChartBuilder().width(WIDTH).height(PANEL_HEIGHT)
          .title(e.getKey().key() + ": " + method + " calibration fitted on N = " + x.length
              + " samples")
          .xAxisTitle(e.getKey().key() + " (raw score)")
          .yAxisTitle("human score (mean of annotators)").build();
      style(chart);
      chart.getStyler().setLegendPosition(LegendPosition.OutsideE);
      chart.getStyler().setXAxisMin(lo).setXAxisMax(hi);
      chart.getStyler().setYAxisMin(lo).setYAxisMax(hi);
      XYSeries dots = chart.addSeries("samples", x, human);
      dots.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      dots.setMarker(SeriesMarkers.CIRCLE).setMarkerColor(new Color(0, 0, 0, 60));
      int steps = 200;
      double[] gx = new double[steps + 1];
      double[] gy = new double[steps + 1];
      for (int i = 0; i <= steps; i++) {
        gx[i] = lo + (hi - lo) * (double) i / steps;
        gy[i] = e.getValue().apply(gx[i]);
      }
      XYSeries map = chart.addSeries(method + " map", gx, gy);
      map.setMarker(SeriesMarkers.NONE);
      map.setLineColor(colorOf(e.getKey().key()));
      map.setLineWidth(2.5f);
      XYSeries identity = chart.addSeries("identity (score = human)",
          new double[] {lo, hi}, new double[] {lo, hi});
      identity.setMarker(SeriesMarkers.NONE);
      identity.setLineColor(Color.GRAY);
      identity.setLineStyle(SeriesLines.DASH_DASH);
      panels.add(chart);
    }
    return save(panels, panels.size(), 1, dir.resolve(CALIBRATION));
  }

  /** The mean human score of each score's selection and of all samples, as bars. */
  public static Path selection(Path dir, Selection.Report report) {
    int kept = report.selected().selectedIdx().size();
    List<String> names = new ArrayList<>();
    List<Double> means = new ArrayList<>();
    report.selections().forEach((m, c) -> {
      names.add(m.key() + (m == report.by() ? " (ranking)" : ""));
      means.add(c.meanHumanSelected().orElseThrow());
    });
    names.add("all samples");
    means.add(report.meanHumanAll().orElseThrow());
    CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(500)
        .title("Mean human score of the " + kept + " of N = " + report.n()
            + " samples that each score ranks highest (" + report.rule().describe(report.n())
            + ")")
        .xAxisTitle("selected by").yAxisTitle("mean human score").build();
    style(chart);
    chart.getStyler().setLegendVisible(false);
    chart.getStyler().setLabelsVisible(true);
    chart.getStyler().setLabelsFont(chart.getStyler().getLabelsFont().deriveFont(14f));
    chart.getStyler().setYAxisDecimalPattern("0.000");
    chart.getStyler().setYAxisMin(1.0);
    chart.addSeries("mean human score", names, means);
    return save(List.of(chart), 1, 1, dir.resolve(SELECTION));
  }

  private static String title(CorrelationKind k) {
    return switch (k) {
      case PEARSON -> "Pearson";
      case SPEARMAN -> "Spearman";
      case KENDALL_TAU -> "Kendall tau-b";
    };
  }

  /** The colour of a score by its name (a name may carry a note after a space). */
  private static Color colorOf(String name) {
    String key = name.split(" ")[0];
    for (Map.Entry<ScoreMethod, Look> e : LOOKS.entrySet()) {
      if (e.getKey().key().equals(key)) {
        Color c = e.getValue().color();
        return new Color(c.getRed(), c.getGreen(), c.getBlue());
      }
    }
    return key.startsWith("human") ? Color.BLACK : PER_ENTRY;
  }

  private static String entries(List<Integer> entries) {
    return (entries.size() == 1 ? "entry " : "entries ") + entries.toString()
        .replaceAll("[\\[\\]]", "");
  }

  private static void style(Chart<? extends AxesChartStyler, ?> chart) {
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setPlotGridLinesVisible(true);
    chart.getStyler().setYAxisDecimalPattern("0.00");
  }

  /** Writes the chart whole or not at all (the command checked the file before any work). */
  private static Path save(List<? extends Chart<?, ?>> charts, int rows, int columns, Path file) {
    OutputFile.replacing(file).writeVia(tmp -> {
      if (charts.size() == 1) {
        BitmapEncoder.saveBitmap(charts.get(0), tmp.toString(), BitmapEncoder.BitmapFormat.PNG);
      } else {
        BitmapEncoder.saveBitmap(new ArrayList<>(charts), rows, columns, tmp.toString(),
            BitmapEncoder.BitmapFormat.PNG);
      }
    });
    return file;
  }
}
