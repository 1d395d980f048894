package dev.tokentm.job.report;

import static dev.tokentm.job.report.HtmlPage.cell;
import static dev.tokentm.job.report.HtmlPage.esc;

/** The sanity checks: each method's correlations along the randomization cascade and with a random class. */
final class SanitySection {

    private SanitySection() {}

    static void write(HtmlPage page, RunResults run) {
        if (run.sanity().isEmpty()) {
            return;
        }
        RunResults.SanityRow first = run.sanity().get(0);
        page.line("<h2 id=\"sanity\">Sanity checks</h2>");
        page.line("<p class=\"note\">Mean Spearman correlation between a method's maps from the trained model and "
                + "from the model with its weights re-initialized, cumulatively from the head down (Adebayo et al. "
                + "2018), and with the maps of a random other class (Sixt et al. 2020). A method fails when its maps "
                + "from the fully randomized model still correlate at 0.5 or more: they do not depend on what the "
                + "model learned.</p>");
        StringBuilder head = new StringBuilder("<table id=\"sanity-table\"><tr><th>method</th><th>target</th>");
        for (String step : first.steps()) {
            head.append("<th>").append(esc(step)).append("</th>");
        }
        page.line(head.append("<th>random class</th><th>verdict</th></tr>").toString());
        for (RunResults.SanityRow r : run.sanity()) {
            StringBuilder row = new StringBuilder("<tr><td class=\"name\">" + esc(r.method())
                    + "</td><td class=\"name\">" + esc(r.target()) + "</td>");
            for (double c : r.correlations()) {
                row.append(cell(c));
            }
            row.append(cell(r.randomLogit())).append(r.passed() ? "<td>passed</td>" : "<td class=\"fail\">failed</td>");
            page.line(row.append("</tr>").toString());
        }
        page.line("</table>");
    }
}
