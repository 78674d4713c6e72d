package bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.text.DecimalFormat;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.LineAndShapeRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * The page's charts, drawn by JFreeChart into PNG files. The x values
 * (backlogs, idle-connection counts) are categories: evenly spaced labels,
 * since 0 idle connections has no place on a log scale.
 */
final class Charts {
    static final int WIDTH = 900;
    static final int HEIGHT = 480;
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b)};

    static {
        System.setProperty("java.awt.headless", "true");
    }

    /**
     * Bars on the left axis, lines on the right axis (logarithmic when asked).
     *
     * @param bars  series name to (category to value); NaN values are left out
     * @param lines series name to (category to value)
     */
    static void barsAndLines(Path png, String title, String xLabel, List<String> categories,
                             String barsLabel, Map<String, Map<String, Double>> bars,
                             String linesLabel, Map<String, Map<String, Double>> lines, boolean logLines) {
        CategoryPlot plot = new CategoryPlot();
        plot.setDomainAxis(new CategoryAxis(xLabel));
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);

        NumberAxis left = new NumberAxis(barsLabel);
        plot.setRangeAxis(0, left);
        plot.setDataset(0, dataset(categories, bars));
        BarRenderer barRenderer = new BarRenderer();
        barRenderer.setBarPainter(new StandardBarPainter());
        barRenderer.setShadowVisible(false);
        for (int i = 0; i < bars.size(); i++) barRenderer.setSeriesPaint(i, tint(COLORS[i % COLORS.length]));
        plot.setRenderer(0, barRenderer);

        if (lines != null) {
            ValueAxis right = logLines ? logAxis(linesLabel) : new NumberAxis(linesLabel);
            plot.setRangeAxis(1, right);
            plot.setDataset(1, dataset(categories, lines));
            plot.mapDatasetToRangeAxis(1, 1);
            plot.setRenderer(1, lineRenderer(lines.size(), bars.size()));
            plot.setDatasetRenderingOrder(DatasetRenderingOrder.FORWARD);
        }
        save(png, new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 16), plot, true));
    }

    /**
     * Lines only. Series come in groups of {@code perColor} that share a colour
     * (say p50 and p99 of one server), the second and later ones dashed.
     */
    static void lines(Path png, String title, String xLabel, List<String> categories, String yLabel,
                      Map<String, Map<String, Double>> series, boolean log, int perColor) {
        CategoryPlot plot = new CategoryPlot();
        plot.setDomainAxis(new CategoryAxis(xLabel));
        plot.setRangeAxis(log ? logAxis(yLabel) : new NumberAxis(yLabel));
        plot.setDataset(dataset(categories, series));
        LineAndShapeRenderer r = new LineAndShapeRenderer(true, true);
        for (int i = 0; i < series.size(); i++) {
            r.setSeriesPaint(i, COLORS[(i / perColor) % COLORS.length].darker());
            r.setSeriesStroke(i, i % perColor == 0 ? new BasicStroke(2.5f)
                    : new BasicStroke(2.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 5f}, 0f));
        }
        plot.setRenderer(r);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        save(png, new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 16), plot, true));
    }

    private static LogAxis logAxis(String label) {
        LogAxis axis = new LogAxis(label);
        axis.setSmallestValue(0.01);
        // One tick per decade, labelled with the value itself (0.1, 1, 10), not the exponent.
        axis.setTickUnit(new NumberTickUnit(1), false, true);
        axis.setNumberFormatOverride(new DecimalFormat("#,##0.###"));
        return axis;
    }

    private static LineAndShapeRenderer lineRenderer(int n, int colorOffset) {
        LineAndShapeRenderer r = new LineAndShapeRenderer(true, true);
        for (int i = 0; i < n; i++) {
            r.setSeriesPaint(i, COLORS[(i + colorOffset) % COLORS.length].darker());
            r.setSeriesStroke(i, new BasicStroke(2.5f));
        }
        return r;
    }

    private static Color tint(Color c) {
        return new Color((c.getRed() + 255 * 2) / 3, (c.getGreen() + 255 * 2) / 3, (c.getBlue() + 255 * 2) / 3);
    }

    private static DefaultCategoryDataset dataset(List<String> categories, Map<String, Map<String, Double>> series) {
        DefaultCategoryDataset d = new DefaultCategoryDataset();
        series.forEach((name, values) -> {
            for (String c : categories) {
                Double v = values.get(c);
                d.addValue(v == null || v.isNaN() ? null : v, name, c);
            }
        });
        return d;
    }

    private static void save(Path png, JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        try {
            Files.createDirectories(png.getParent());
            ChartUtils.saveChartAsPNG(png.toFile(), chart, WIDTH, HEIGHT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Charts() {}
}
