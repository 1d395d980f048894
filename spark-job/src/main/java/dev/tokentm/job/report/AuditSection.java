package dev.tokentm.job.report;

import static dev.tokentm.job.report.HtmlPage.esc;
import static dev.tokentm.job.report.HtmlPage.img;

import dev.tokentm.job.output.AuditSummary;
import java.awt.image.BufferedImage;
import java.util.Locale;

/**
 * The audit at a glance: the confirmed shortcuts, then per class (classes with a confirmed shortcut
 * first, then those with candidates) each strategy as its mean heatmap beside its prototype images,
 * with its size, accuracy, why it is a candidate and its causal test.
 */
final class AuditSection {

    /** Classes shown; the tables hold every one. */
    static final int CLASSES = 12;

    private static final int TILE = 96;
    private static final int THUMB = 64;

    private AuditSection() {}

    static void write(HtmlPage page, RunResults run, ImageGrid grid) {
        AuditSummary audit = run.summary().audit();
        AuditStrategies strategies = run.strategies();
        if (audit == null || strategies == null) {
            return;
        }
        page.line("<h2 id=\"strategies\">What the model relies on (audit of " + esc(audit.method()) + ")</h2>");
        page.line("<p class=\"note\">Each class's heatmaps clustered into strategies: the mean heatmap (yellow = "
                + "most relevant), the images nearest its centre, its size and the model's accuracy on it. A "
                + "candidate's region was removed (" + esc(audit.removal())
                + (audit.masks() ? ", away from the object" : "")
                + ") from its images and from as many others of the class: a shortcut is confirmed when the "
                + "class's probability drops, and more than in the others, at a 5% false discovery rate over "
                + "the audit's tests.</p>");
        page.line(
                audit.confirmedShortcuts().isEmpty()
                        ? "<p>No confirmed shortcut.</p>"
                        : "<p><strong>Confirmed shortcuts:</strong> "
                                + esc(String.join("; ", audit.confirmedShortcuts())) + "</p>");
        if (!audit.notClustered().isEmpty()) {
            page.line("<p class=\"note\">Too few images to cluster: " + esc(String.join(", ", audit.notClustered()))
                    + ".</p>");
        }
        int shown = 0;
        for (AuditStrategies.ClassStrategies c : strategies.classes()) {
            if (shown++ == CLASSES) {
                page.line("<p class=\"note\">" + (strategies.classes().size() - CLASSES)
                        + " more classes in audit/strategies/.</p>");
                break;
            }
            page.line("<h3>" + esc(c.target() + " " + c.className()) + " (" + c.images() + " images)</h3>");
            for (AuditStrategies.Shown s : c.strategies()) {
                StringBuilder row = new StringBuilder("<div class=\"row\">");
                row.append("<figure class=\"strategy\">")
                        .append(img(
                                HeatmapImage.render(null, s.meanMap(), s.grid(), s.grid(), TILE),
                                "strategy " + s.index() + " mean heatmap"))
                        .append("<figcaption>")
                        .append(caption(s))
                        .append("</figcaption></figure>");
                for (String path : s.prototypes()) {
                    BufferedImage picture = grid.picture(path);
                    if (picture != null) {
                        row.append("<figure>")
                                .append(img(ImageGrid.scaled(picture, THUMB), "prototype"))
                                .append("</figure>");
                    }
                }
                page.line(row.append("</div>").toString());
            }
        }
    }

    private static String caption(AuditStrategies.Shown s) {
        StringBuilder c = new StringBuilder(
                String.format(Locale.ROOT, "strategy %d: %d images (%.0f%%)", s.index(), s.images(), 100 * s.share()));
        if (s.accuracy() != null) {
            c.append(String.format(Locale.ROOT, ", accuracy %.2f", s.accuracy()));
        }
        if (s.outside() != null) {
            c.append(String.format(Locale.ROOT, ", %.0f%% off the object", 100 * s.outside()));
        }
        for (String reason : s.reasons()) {
            c.append("<br>candidate: ").append(esc(reason));
        }
        if (s.drop() != null) {
            c.append(String.format(
                    Locale.ROOT,
                    "<br>region removed: p drops %.3f [%.3f, %.3f], others %.3f",
                    s.drop(),
                    s.dropLow(),
                    s.dropHigh(),
                    s.controlDrop()));
        }
        if (Boolean.TRUE.equals(s.confirmed())) {
            c.append("<br><strong class=\"better\">confirmed shortcut</strong>");
        }
        return c.toString();
    }
}
