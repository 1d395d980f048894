package dev.tokentm.job.report;

import static dev.tokentm.job.report.HtmlPage.esc;
import static dev.tokentm.job.report.HtmlPage.interval;

import dev.tokentm.job.aggregate.Comparisons;
import dev.tokentm.job.aggregate.MethodTarget;
import dev.tokentm.job.output.MetricsTable;
import dev.tokentm.job.output.MetricsText;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Every method against the reference on the same images: the paired differences, coloured where significant. */
final class ComparisonSection {

    private ComparisonSection() {}

    static void write(HtmlPage page, RunResults run) {
        List<Comparisons.Comparison> comparisons = run.summary().comparisons();
        if (comparisons.isEmpty()) {
            return;
        }
        String versus = comparisons.get(0).versus();
        page.line("<h2 id=\"comparisons\">Against " + esc(versus) + " on the same images</h2>");
        page.line("<p class=\"note\">Each method's metric minus " + esc(versus) + "'s on the same images. Coloured: "
                + "the 95% paired bootstrap interval of the difference excludes 0 (green: the method is better by "
                + "the metric's direction, red: worse); the interval is in each cell's tooltip and in "
                + "summary.json.</p>");
        List<String> metricNames = comparisons.stream()
                .map(Comparisons.Comparison::metric)
                .distinct()
                .toList();
        StringBuilder head = new StringBuilder("<table id=\"comparison-table\"><tr><th>method</th><th>target</th>");
        for (String name : metricNames) {
            MetricsTable.shown().stream()
                    .filter(c -> c.name().equals(name))
                    .findFirst()
                    .ifPresent(c -> head.append("<th>").append(esc(c.label())).append("</th>"));
        }
        page.line(head.append("</tr>").toString());
        for (Map.Entry<MethodTarget, Map<String, Comparisons.Comparison>> entry :
                MetricsText.byRow(comparisons).entrySet()) {
            StringBuilder row = new StringBuilder(
                    "<tr><td class=\"name\">" + esc(entry.getKey().method()) + "</td><td class=\"name\">"
                            + esc(entry.getKey().target().label()) + "</td>");
            for (String name : metricNames) {
                row.append(cell(entry.getValue().get(name)));
            }
            page.line(row.append("</tr>").toString());
        }
        page.line("</table>");
    }

    private static String cell(Comparisons.Comparison c) {
        if (c == null) {
            return "<td>&ndash;</td>";
        }
        String css = c.significant() ? (c.better() ? " class=\"better\"" : " class=\"worse\"") : "";
        return "<td" + css + " title=\"95% interval " + interval(c.differenceCi95()) + "\">"
                + String.format(Locale.ROOT, "%+.3f", c.difference()) + "</td>";
    }
}
