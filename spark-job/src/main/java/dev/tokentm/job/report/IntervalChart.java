package dev.tokentm.job.report;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/** One metric per method as a point with its 95% interval as an error bar (JFreeChart). */
public final class IntervalChart {

    /** One method's value and interval; NaN ends draw no bar. */
    public record Point(String method, double value, double low, double high) {}

    private IntervalChart() {}

    public static BufferedImage render(String title, String axis, List<Point> points, int width, int height) {
        YIntervalSeries series = new YIntervalSeries(axis);
        String[] names = new String[points.size()];
        for (int i = 0; i < points.size(); i++) {
            Point p = points.get(i);
            names[i] = p.method();
            double low = Double.isNaN(p.low()) ? p.value() : p.low();
            double high = Double.isNaN(p.high()) ? p.value() : p.high();
            series.add(i, p.value(), low, high);
        }
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        data.addSeries(series);
        SymbolAxis methods = new SymbolAxis(null, names);
        methods.setGridBandsVisible(false);
        methods.setVerticalTickLabels(true);
        NumberAxis values = new NumberAxis(axis);
        values.setAutoRangeIncludesZero(false);
        XYErrorRenderer renderer = new XYErrorRenderer();
        renderer.setDrawXError(false);
        renderer.setDrawYError(true);
        renderer.setDefaultLinesVisible(false);
        renderer.setDefaultShapesVisible(true);
        renderer.setSeriesPaint(0, new Color(0x1f4e79));
        renderer.setErrorPaint(new Color(0x1f4e79));
        XYPlot plot = new XYPlot(data, methods, values, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        plot.setDomainGridlinesVisible(false);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        return chart.createBufferedImage(width, height);
    }
}
