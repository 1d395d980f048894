package dev.tokentm.job.report;

import static dev.tokentm.job.report.HtmlPage.esc;

import dev.tokentm.job.aggregate.MetricAgreement;
import dev.tokentm.job.output.MetricsTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Kendall's τ between the method rankings of every pair of metrics, for the report's target. */
final class AgreementSection {

    private AgreementSection() {}

    static void write(HtmlPage page, RunResults run) {
        List<MetricAgreement.Agreement> agreement = run.summary().metricAgreement().stream()
                .filter(a -> a.target().equals(run.target()))
                .toList();
        if (agreement.isEmpty()) {
            return;
        }
        page.line("<h2 id=\"agreement\">Do the metrics agree? (" + esc(run.target()) + " class)</h2>");
        page.line("<p class=\"note\">Kendall's &tau; between the method rankings of two metrics (each oriented so "
                + "that better is higher): 1 = the same order, &minus;1 = reversed.</p>");
        List<String> names = new ArrayList<>();
        for (MetricAgreement.Agreement a : agreement) {
            for (String n : List.of(a.metricA(), a.metricB())) {
                if (!names.contains(n)) {
                    names.add(n);
                }
            }
        }
        StringBuilder head = new StringBuilder("<table id=\"agreement-table\"><tr><th>metric</th>");
        names.forEach(
                n -> head.append("<th>").append(esc(MetricsTable.label(n))).append("</th>"));
        page.line(head.append("</tr>").toString());
        for (String a : names) {
            StringBuilder row = new StringBuilder("<tr><td class=\"name\">" + esc(MetricsTable.label(a)) + "</td>");
            for (String b : names) {
                double tau = a.equals(b) ? 1 : tau(agreement, a, b);
                row.append(String.format(
                        Locale.ROOT,
                        "<td>%s</td>",
                        Double.isNaN(tau) ? "&ndash;" : String.format(Locale.ROOT, "%.2f", tau)));
            }
            page.line(row.append("</tr>").toString());
        }
        page.line("</table>");
    }

    private static double tau(List<MetricAgreement.Agreement> agreement, String a, String b) {
        return agreement.stream()
                .filter(x -> (x.metricA().equals(a) && x.metricB().equals(b))
                        || (x.metricA().equals(b) && x.metricB().equals(a)))
                .mapToDouble(MetricAgreement.Agreement::tau)
                .findFirst()
                .orElse(Double.NaN);
    }
}
