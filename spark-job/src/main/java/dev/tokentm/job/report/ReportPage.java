package dev.tokentm.job.report;

import dev.tokentm.job.output.MetricsTable;
import dev.tokentm.udfs.io.Storage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;

/**
 * The self-contained HTML page: styles inline, every image a PNG data URI, no scripts, nothing
 * fetched from the network.
 */
final class ReportPage {

    private static final int TILE = 112;
    private final StringBuilder html = new StringBuilder();
    private final Storage.Reader files = Storage.reader();

    private ReportPage() {}

    static String render(RunResults run) {
        ReportPage page = new ReportPage();
        page.write(run);
        return page.html.toString();
    }

    private void write(RunResults run) {
        var s = run.summary();
        line("<!DOCTYPE html>");
        line("<html lang=\"en\">");
        line("<head>");
        line("<meta charset=\"utf-8\">");
        line("<title>tokentm report: " + esc(s.output()) + "</title>");
        line("<style>");
        line("body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1400px}");
        line("table{border-collapse:collapse;margin:8px 0 24px}"
                + "th,td{padding:4px 8px;border:1px solid #ccc;text-align:right}");
        line("th{background:#1f4e79;color:#fff}td.name{text-align:left}"
                + "tr.tokentm td{font-weight:bold;background:#fff4d6}");
        line("figure{display:inline-block;margin:2px;text-align:center;font-size:12px}img{display:block}");
        line(".row{white-space:nowrap;margin-bottom:6px}.note{color:#555;font-size:14px}");
        line("</style>");
        line("</head>");
        line("<body>");
        line("<h1>tokentm report</h1>");
        line("<p class=\"note\">Input " + esc(s.input()) + "; model " + esc(s.model()) + "; " + s.imagesInInput()
                + " images, " + s.imagesFailed() + " failed; last run "
                + String.format(Locale.ROOT, "%.2f", s.imagesPerSecond()) + " images/s.</p>");

        line("<h2 id=\"metrics\">Faithfulness per method</h2>");
        line("<p class=\"note\">Perturbation AUC: accuracy while the most (positive, lower is better) or least "
                + "(negative, higher is better) relevant pixels are removed. Segmentation against object masks: pixel "
                + "accuracy, mIoU, mAP (higher is better).</p>");
        line("<table id=\"metrics-table\">");
        StringBuilder metricsHeader = new StringBuilder("<tr><th>method</th><th>target</th><th>images</th>");
        for (MetricsTable.MetricColumn c : MetricsTable.shown()) {
            metricsHeader
                    .append("<th>")
                    .append(esc(c.heading()))
                    .append(' ')
                    .append(c.better().html())
                    .append("</th>");
        }
        line(metricsHeader.append("</tr>").toString());
        for (RunResults.MethodRow m : run.metrics()) {
            line("<tr" + (m.method().equals("tokentm") ? " class=\"tokentm\"" : "") + "><td class=\"name\">"
                    + esc(m.method()) + "</td><td class=\"name\">" + esc(m.target()) + "</td><td>" + m.images()
                    + "</td>"
                    + Arrays.stream(m.shown()).mapToObj(ReportPage::cell).collect(Collectors.joining())
                    + "</tr>");
        }
        line("</table>");

        line("<h2 id=\"curves\">Perturbation curves (" + esc(run.target()) + " class)</h2>");
        List<CurveChart.Curve> positive = new ArrayList<>();
        List<CurveChart.Curve> negative = new ArrayList<>();
        for (RunResults.MethodRow m : run.metrics()) {
            if (m.target().equals(run.target())) {
                positive.add(new CurveChart.Curve(m.method(), m.fractions(), m.accuracyPositive()));
                negative.add(new CurveChart.Curve(m.method(), m.fractions(), m.accuracyNegative()));
            }
        }
        line("<div class=\"row\">"
                + img(
                        CurveChart.render("most relevant removed first (lower is better)", positive, 620, 380),
                        "positive perturbation curves")
                + img(
                        CurveChart.render("least relevant removed first (higher is better)", negative, 620, 380),
                        "negative perturbation curves")
                + "</div>");

        line("<h2 id=\"samples\">Where each method looks</h2>");
        line("<p class=\"note\">Yellow = most relevant. Blue-white-red maps are signed: red for, blue against "
                + "the class.</p>");
        grid(run, run.samples(), false);

        line("<h2 id=\"audit\">Relevance outside the object (" + esc(run.auditMethod()) + ")</h2>");
        line("<p class=\"note\">Images whose " + esc(run.auditMethod()) + " heatmap puts the largest share of its "
                + "relevance outside the object mask: the model may rely on background cues here.</p>");
        grid(run, run.audit(), true);

        line("<h2 id=\"classes\">Per class (" + esc(run.target()) + " class)</h2>");
        line("<table id=\"class-table\">");
        StringBuilder header = new StringBuilder("<tr><th>class</th><th>images</th><th>model accuracy</th>");
        for (String m : run.methods()) {
            header.append("<th>").append(esc(m)).append(" mIoU</th>");
        }
        header.append("<th>").append(esc(run.auditMethod())).append(" relevance outside</th></tr>");
        line(header.toString());
        Map<Integer, List<RunResults.ClassRow>> byClass = new java.util.TreeMap<>();
        for (RunResults.ClassRow c : run.perClass()) {
            byClass.computeIfAbsent(c.label(), k -> new ArrayList<>()).add(c);
        }
        for (var entry : byClass.entrySet()) {
            RunResults.ClassRow first = entry.getValue().get(0);
            StringBuilder row = new StringBuilder("<tr><td class=\"name\">" + esc(run.className(entry.getKey()))
                    + "</td><td>" + first.images() + "</td>" + cell(first.accuracy()));
            double outside = Double.NaN;
            for (String m : run.methods()) {
                double miou = Double.NaN;
                for (RunResults.ClassRow c : entry.getValue()) {
                    if (c.method().equals(m)) {
                        miou = c.miou();
                    }
                    if (c.method().equals(run.auditMethod())) {
                        outside = c.relevanceOutside();
                    }
                }
                row.append(cell(miou));
            }
            row.append(cell(outside)).append("</tr>");
            line(row.toString());
        }
        line("</table>");

        if (!run.errors().isEmpty()) {
            line("<h2 id=\"errors\">Images that failed</h2>");
            line("<table id=\"error-table\"><tr><th>error</th><th>images</th></tr>");
            for (var e : run.errors().entrySet()) {
                line("<tr><td class=\"name\">" + esc(e.getKey()) + "</td><td>" + e.getValue() + "</td></tr>");
            }
            line("</table>");
        }
        line("</body>");
        line("</html>");
    }

    private void grid(RunResults run, List<RunResults.ImageRow> images, boolean withScore) {
        for (RunResults.ImageRow image : images) {
            BufferedImage picture = picture(image.path());
            StringBuilder row = new StringBuilder("<div class=\"row\">");
            String caption = esc(shortName(image.path() != null ? image.path() : image.imageId())) + "<br>label "
                    + esc(run.className(image.label())) + ", predicted " + esc(run.className(image.predicted()))
                    + String.format(Locale.ROOT, " (%.2f)", image.probability())
                    + (withScore && image.relevanceOutside() != null
                            ? String.format(Locale.ROOT, "<br>%.0f%% outside", 100 * image.relevanceOutside())
                            : "");
            row.append("<figure>")
                    .append(
                            picture == null
                                    ? "<div style=\"width:" + TILE + "px\">(no image)</div>"
                                    : img(scaled(picture), "input image"))
                    .append("<figcaption>")
                    .append(caption)
                    .append("</figcaption></figure>");
            for (String method : run.methods()) {
                float[] map = image.heatmaps().get(method);
                if (map == null) {
                    continue;
                }
                row.append("<figure>")
                        .append(img(
                                HeatmapImage.render(picture, map, image.gridHeight(), image.gridWidth(), TILE),
                                method + " heatmap"))
                        .append("<figcaption>")
                        .append(esc(method))
                        .append("</figcaption></figure>");
            }
            line(row.append("</div>").toString());
        }
    }

    private BufferedImage picture(String path) {
        if (path == null) {
            return null;
        }
        try {
            return ImageIO.read(new ByteArrayInputStream(files.readAll(path)));
        } catch (IOException | RuntimeException e) {
            return null; // the report shows the heatmap alone
        }
    }

    private static BufferedImage scaled(BufferedImage picture) {
        BufferedImage out = new BufferedImage(TILE, TILE, BufferedImage.TYPE_INT_RGB);
        var g = out.createGraphics();
        g.setRenderingHint(
                java.awt.RenderingHints.KEY_INTERPOLATION, java.awt.RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(picture, 0, 0, TILE, TILE, null);
        g.dispose();
        return out;
    }

    private static String shortName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static String img(BufferedImage image, String alt) {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "<img alt=\"" + esc(alt) + "\" width=\"" + image.getWidth() + "\" height=\"" + image.getHeight()
                + "\" src=\"data:image/png;base64," + Base64.getEncoder().encodeToString(png.toByteArray()) + "\">";
    }

    private static String cell(double v) {
        return "<td>" + (Double.isNaN(v) ? "&ndash;" : MetricsTable.fixed(v)) + "</td>";
    }

    static String esc(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private void line(String s) {
        html.append(s).append('\n');
    }
}
