package bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.text.DecimalFormat;
import java.util.List;
import java.util.stream.IntStream;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The page's charts, drawn by JFreeChart into docs/perf-*.png: lines on one or two y axes, either axis logarithmic. */
final class Charts {
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b), new Color(0x17becf)};
    private static final BasicStroke SOLID = new BasicStroke(2.5f);
    private static final BasicStroke DASHED =
            new BasicStroke(2.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 5f}, 0f);

    /** An axis: its label, whether it is logarithmic, and its range (NaN: fitted to the data). */
    record Axis(String label, boolean log, double lo, double hi) {
        Axis(String label, boolean log) {
            this(label, log, Double.NaN, Double.NaN);
        }

        ValueAxis make() {
            ValueAxis axis = log ? new LogAxis(label) : new NumberAxis(label);
            if (axis instanceof LogAxis logAxis) {
                logAxis.setSmallestValue(0.01);
                // One tick per decade, labelled with the value itself (0.1, 1, 10), not the exponent.
                logAxis.setTickUnit(new NumberTickUnit(1), false, true);
                logAxis.setNumberFormatOverride(new DecimalFormat("#,##0.###"));
            }
            if (!Double.isNaN(lo)) axis.setRange(lo, hi);
            return axis;
        }
    }

    /** A line: points (x[i], y[i]; NaN y, and y ≤ 0 on a log axis, left out), its colour's index, solid or dashed. */
    record Line(String name, double[] x, double[] y, int color, boolean dashed) {}

    /** Lines against {@code y}, and optionally more against a second axis {@code y2} on the right. */
    static void draw(String png, String title, Axis x, Axis y, List<Line> lines, Axis y2, List<Line> right) {
        XYPlot plot = new XYPlot(null, x.make(), null, null);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        for (int i = 0; i < (y2 == null ? 1 : 2); i++) { // dataset, renderer and range axis i: y, then y2
            Axis axis = i == 0 ? y : y2;
            XYSeriesCollection data = new XYSeriesCollection();
            XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
            for (Line l : i == 0 ? lines : right) {
                XYSeries s = new XYSeries(l.name(), false, true);
                IntStream.range(0, l.x().length).filter(j -> axis.log() ? l.y()[j] > 0 : !Double.isNaN(l.y()[j]))
                        .forEach(j -> s.add(l.x()[j], l.y()[j]));
                r.setSeriesPaint(data.getSeriesCount(), COLORS[l.color() % COLORS.length].darker());
                r.setSeriesStroke(data.getSeriesCount(), l.dashed() ? DASHED : SOLID);
                data.addSeries(s);
            }
            plot.setDataset(i, data);
            plot.setRangeAxis(i, axis.make());
            plot.mapDatasetToRangeAxis(i, i);
            plot.setRenderer(i, r);
        }
        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 16), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        Page.unchecked(() -> ChartUtils.saveChartAsPNG(Server.ROOT.resolve("docs/" + png).toFile(), chart, 900, 480));
    }

    private Charts() {}
}
