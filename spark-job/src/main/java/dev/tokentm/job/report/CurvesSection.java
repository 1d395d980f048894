package dev.tokentm.job.report;

import static dev.tokentm.job.report.HtmlPage.esc;
import static dev.tokentm.job.report.HtmlPage.img;

import java.util.ArrayList;
import java.util.List;

/** The published perturbation test's accuracy curves (zeroing, both orders), every method in one chart each. */
final class CurvesSection {

    private CurvesSection() {}

    static void write(HtmlPage page, RunResults run) {
        List<CurveChart.Curve> positive = new ArrayList<>();
        List<CurveChart.Curve> negative = new ArrayList<>();
        for (RunResults.MethodRow m : run.metrics()) {
            if (m.target().equals(run.target()) && m.accuracyPositive() != null) {
                positive.add(new CurveChart.Curve(m.method(), m.fractions(), m.accuracyPositive()));
                negative.add(new CurveChart.Curve(m.method(), m.fractions(), m.accuracyNegative()));
            }
        }
        if (positive.isEmpty()) {
            return;
        }
        page.line("<h2 id=\"curves\">Perturbation curves (" + esc(run.target()) + " class)</h2>");
        page.line("<div class=\"row\">"
                + img(
                        CurveChart.render("most relevant set to 0 first (lower is better)", positive, 620, 380),
                        "positive perturbation curves")
                + img(
                        CurveChart.render("least relevant set to 0 first (higher is better)", negative, 620, 380),
                        "negative perturbation curves")
                + "</div>");
    }
}
