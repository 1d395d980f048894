package dev.tokentm.job.report;

import dev.tokentm.udfs.explain.ExplainerRegistry;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Accuracy against the fraction of pixels removed, one line per method (JFreeChart). */
public final class CurveChart {

    /** One method's curve. */
    public record Curve(String method, double[] fractions, double[] accuracy) {}

    private static final Color[] PALETTE = {
        new Color(0xd62728), new Color(0x1f77b4), new Color(0x2ca02c), new Color(0xff7f0e),
        new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf)
    };

    private CurveChart() {}

    public static BufferedImage render(String title, List<Curve> curves, int width, int height) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Curve c : curves) {
            XYSeries series = new XYSeries(c.method());
            for (int k = 0; k < c.fractions().length; k++) {
                series.add(100 * c.fractions()[k], 100 * c.accuracy()[k]);
            }
            data.addSeries(series);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(
                title, "pixels removed (%)", "accuracy (%)", data, PlotOrientation.VERTICAL, true, false, false);
        chart.setBackgroundPaint(Color.WHITE);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < curves.size(); i++) {
            renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
            renderer.setSeriesStroke(
                    i, new BasicStroke(curves.get(i).method().equals(ExplainerRegistry.REFERENCE) ? 3f : 1.5f));
        }
        plot.setRenderer(renderer);
        return chart.createBufferedImage(width, height);
    }
}
