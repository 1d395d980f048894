package dev.tokentm.job.report;

import static dev.tokentm.job.report.HtmlPage.cell;
import static dev.tokentm.job.report.HtmlPage.esc;
import static dev.tokentm.job.report.HtmlPage.img;

import dev.tokentm.job.output.MetricsTable;
import dev.tokentm.udfs.explain.ExplainerRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The report's faithfulness table (every measured metric per method and target) and its interval charts. */
final class MetricsSection {

    private MetricsSection() {}

    static void write(HtmlPage page, RunResults run) {
        var s = run.summary();
        page.line("<h2 id=\"metrics\">Faithfulness per method</h2>");
        page.line("<p class=\"note\">Each number with the half-width of its 95% bootstrap interval over images ("
                + s.bootstrapReplicates() + " replicates, seed " + s.seed() + "). Perturbation: accuracy while the "
                + "most (MoRF, lower is better) or least (LeRF, higher is better) relevant pixels are set to 0, imputed "
                + "from their neighbours (ROAD) or blurred; SRG = LeRF &minus; MoRF; deletion and insertion: the "
                + "explained class's probability (RISE). Segmentation against object masks: pixel accuracy, mIoU, "
                + "mAP (higher is better). Sanity: whether the maps change when the model's weights are "
                + "randomized. agrees: for methods that run a changed model (EViT's pruned one), the share of images on "
                + "which it predicts the model's class. s/image: the method's own time per image (heatmap and tests), "
                + "what it costs.</p>");
        List<Integer> defined = measured(run);
        table(page, run, defined);
        charts(page, run, defined);
    }

    /** The shown metrics some method has a value of, by position in {@link MetricsTable#shown()}. */
    private static List<Integer> measured(RunResults run) {
        List<Integer> defined = new ArrayList<>();
        for (int i = 0; i < MetricsTable.shown().size(); i++) {
            int column = i;
            if (run.metrics().stream().anyMatch(m -> !Double.isNaN(m.shown()[column]))) {
                defined.add(i);
            }
        }
        return defined;
    }

    private static void table(HtmlPage page, RunResults run, List<Integer> defined) {
        page.line("<table id=\"metrics-table\">");
        StringBuilder header = new StringBuilder("<tr><th>method</th><th>target</th><th>images</th>");
        for (int i : defined) {
            MetricsTable.MetricColumn c = MetricsTable.shown().get(i);
            header.append("<th>")
                    .append(esc(c.label()))
                    .append(' ')
                    .append(c.better().html())
                    .append("</th>");
        }
        if (!run.sanity().isEmpty()) {
            header.append("<th>sanity</th>");
        }
        boolean changed = run.metrics().stream().anyMatch(m -> !Double.isNaN(m.agreement()));
        if (changed) {
            header.append("<th>agrees ^</th>");
        }
        header.append("<th>s/image</th>");
        page.line(header.append("</tr>").toString());
        for (RunResults.MethodRow m : run.metrics()) {
            StringBuilder row = new StringBuilder(
                    "<tr" + (m.method().equals(ExplainerRegistry.REFERENCE) ? " class=\"reference\"" : "")
                            + "><td class=\"name\">" + esc(m.method()) + "</td><td class=\"name\">"
                            + esc(m.target()) + "</td><td>" + m.images() + "</td>");
            for (int i : defined) {
                row.append(cell(m.shown()[i], m.intervals()[i]));
            }
            if (!run.sanity().isEmpty()) {
                boolean failed = run.failedSanity(m.method());
                row.append(failed ? "<td class=\"fail\">failed</td>" : "<td>passed</td>");
            }
            if (changed) {
                row.append(Double.isNaN(m.agreement()) ? "<td></td>" : cell(m.agreement(), m.agreementInterval()));
            }
            row.append("<td>")
                    .append(String.format(Locale.ROOT, "%.3f", m.secondsPerImage()))
                    .append("</td>");
            page.line(row.append("</tr>").toString());
        }
        page.line("</table>");
    }

    private static void charts(HtmlPage page, RunResults run, List<Integer> defined) {
        page.line("<h2 id=\"intervals\">Metrics with 95% intervals (" + esc(run.target()) + " class)</h2>");
        StringBuilder charts = new StringBuilder("<div>");
        for (int i : defined) {
            MetricsTable.MetricColumn c = MetricsTable.shown().get(i);
            List<IntervalChart.Point> points = new ArrayList<>();
            for (RunResults.MethodRow m : run.metrics()) {
                if (m.target().equals(run.target())) {
                    points.add(new IntervalChart.Point(
                            m.method(), m.shown()[i], m.intervals()[i].low(), m.intervals()[i].high()));
                }
            }
            String title =
                    c.label() + " (" + (c.better() == MetricsTable.Better.HIGHER ? "higher" : "lower") + " is better)";
            charts.append("<figure>")
                    .append(img(
                            IntervalChart.render(title, c.heading(), points, 330, 300), title + " with 95% intervals"))
                    .append("</figure>");
        }
        page.line(charts.append("</div>").toString());
    }
}
