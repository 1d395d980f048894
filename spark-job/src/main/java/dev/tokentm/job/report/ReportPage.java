package dev.tokentm.job.report;

import static dev.tokentm.job.report.HtmlPage.esc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The self-contained HTML page: styles inline ({@code report.css}: each grid row's image and heatmaps
 * side by side, tops aligned whatever their captions' lengths), every image a PNG data URI, no
 * scripts, nothing fetched from the network. The sections, in order: metrics, intervals,
 * comparisons, sanity checks, metric agreement, perturbation curves, the dataset audit's strategies
 * (when it ran), sample grid, the images most off the object, per class, failures.
 */
final class ReportPage {

    private ReportPage() {}

    static String render(RunResults run) {
        HtmlPage page = new HtmlPage();
        head(page, run);
        MetricsSection.write(page, run);
        ComparisonSection.write(page, run);
        SanitySection.write(page, run);
        AgreementSection.write(page, run);
        CurvesSection.write(page, run);
        ImageGrid grid = new ImageGrid();
        AuditSection.write(page, run, grid);
        grid.samples(page, run);
        grid.audit(page, run);
        ClassSection.write(page, run);
        errors(page, run);
        page.line("</body>");
        page.line("</html>");
        return page.text();
    }

    private static void head(HtmlPage page, RunResults run) {
        var s = run.summary();
        page.line("<!DOCTYPE html>");
        page.line("<html lang=\"en\">");
        page.line("<head>");
        page.line("<meta charset=\"utf-8\">");
        page.line("<title>tokentm report: " + esc(s.output()) + "</title>");
        page.line("<style>");
        page.line(STYLE.stripTrailing());
        page.line("</style>");
        page.line("</head>");
        page.line("<body>");
        page.line("<h1>tokentm report</h1>");
        page.line("<p class=\"note\">Input " + esc(s.input()) + "; model " + esc(s.model()) + "; "
                + s.imagesInInput() + " images, " + s.imagesFailed() + " failed; last run "
                + String.format(Locale.ROOT, "%.2f", s.imagesPerSecond()) + " images/s.</p>");
    }

    /** The errors of failed images, with how many images each. */
    private static void errors(HtmlPage page, RunResults run) {
        if (run.errors().isEmpty()) {
            return;
        }
        page.line("<h2 id=\"errors\">Images that failed</h2>");
        page.line("<table id=\"error-table\"><tr><th>error</th><th>images</th></tr>");
        for (var e : run.errors().entrySet()) {
            page.line("<tr><td class=\"name\">" + esc(e.getKey()) + "</td><td>" + e.getValue() + "</td></tr>");
        }
        page.line("</table>");
    }

    private static final String STYLE = resource("report.css");

    private static String resource(String name) {
        try (InputStream in = ReportPage.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
