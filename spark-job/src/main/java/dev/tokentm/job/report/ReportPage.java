package dev.tokentm.job.report;

import dev.tokentm.job.aggregate.Comparisons;
import dev.tokentm.job.aggregate.Interval;
import dev.tokentm.job.aggregate.MetricAgreement;
import dev.tokentm.job.output.MetricsTable;
import dev.tokentm.udfs.io.Storage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
        // Each row's image and heatmaps side by side, tops aligned whatever their captions' lengths.
        line(
                ".row{display:flex;flex-wrap:nowrap;align-items:flex-start;margin-bottom:6px}.note{color:#555;font-size:14px}"
                        + "td.fail{color:#fff;background:#b00020;font-weight:bold}"
                        + "td.better{background:#c8e6c9;font-weight:bold}td.worse{background:#ffcdd2;font-weight:bold}");
        line("</style>");
        line("</head>");
        line("<body>");
        line("<h1>tokentm report</h1>");
        line("<p class=\"note\">Input " + esc(s.input()) + "; model " + esc(s.model()) + "; " + s.imagesInInput()
                + " images, " + s.imagesFailed() + " failed; last run "
                + String.format(Locale.ROOT, "%.2f", s.imagesPerSecond()) + " images/s.</p>");

        line("<h2 id=\"metrics\">Faithfulness per method</h2>");
        line("<p class=\"note\">Each number with the half-width of its 95% bootstrap interval over images ("
                + s.bootstrapReplicates() + " replicates, seed " + s.seed() + "). Perturbation: accuracy while the "
                + "most (MoRF, lower is better) or least (LeRF, higher is better) relevant pixels are set to 0, imputed "
                + "from their neighbours (ROAD) or blurred; SRG = LeRF &minus; MoRF; deletion and insertion: the "
                + "explained class's probability (RISE). Segmentation against object masks: pixel accuracy, mIoU, "
                + "mAP (higher is better). Sanity: whether the maps change when the model's weights are "
                + "randomized. s/image: the method's own time per image (heatmap and tests), what it costs.</p>");
        List<Integer> defined = new ArrayList<>();
        for (int i = 0; i < MetricsTable.shown().size(); i++) {
            int column = i;
            if (run.metrics().stream().anyMatch(m -> !Double.isNaN(m.shown()[column]))) {
                defined.add(i);
            }
        }
        line("<table id=\"metrics-table\">");
        StringBuilder metricsHeader = new StringBuilder("<tr><th>method</th><th>target</th><th>images</th>");
        for (int i : defined) {
            MetricsTable.MetricColumn c = MetricsTable.shown().get(i);
            metricsHeader
                    .append("<th>")
                    .append(esc(c.label()))
                    .append(' ')
                    .append(c.better().html())
                    .append("</th>");
        }
        if (!run.sanity().isEmpty()) {
            metricsHeader.append("<th>sanity</th>");
        }
        metricsHeader.append("<th>s/image</th>");
        line(metricsHeader.append("</tr>").toString());
        for (RunResults.MethodRow m : run.metrics()) {
            StringBuilder row = new StringBuilder("<tr" + (m.method().equals("tokentm") ? " class=\"tokentm\"" : "")
                    + "><td class=\"name\">" + esc(m.method()) + "</td><td class=\"name\">" + esc(m.target())
                    + "</td><td>" + m.images() + "</td>");
            for (int i : defined) {
                row.append(cell(m.shown()[i], m.intervals()[i]));
            }
            if (!run.sanity().isEmpty()) {
                boolean failed = run.failedSanity(m.method());
                row.append(failed ? "<td class=\"fail\">failed</td>" : "<td>passed</td>");
            }
            row.append("<td>")
                    .append(String.format(Locale.ROOT, "%.3f", m.secondsPerImage()))
                    .append("</td>");
            line(row.append("</tr>").toString());
        }
        line("</table>");

        line("<h2 id=\"intervals\">Metrics with 95% intervals (" + esc(run.target()) + " class)</h2>");
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
        line(charts.append("</div>").toString());

        if (!s.comparisons().isEmpty()) {
            String versus = s.comparisons().get(0).versus();
            line("<h2 id=\"comparisons\">Against " + esc(versus) + " on the same images</h2>");
            line("<p class=\"note\">Each method's metric minus " + esc(versus) + "'s on the same images. Coloured: "
                    + "the 95% paired bootstrap interval of the difference excludes 0 (green: the method is better by "
                    + "the metric's direction, red: worse); the interval is in each cell's tooltip and in "
                    + "summary.json.</p>");
            List<String> metricNames = s.comparisons().stream()
                    .map(Comparisons.Comparison::metric)
                    .distinct()
                    .toList();
            StringBuilder head = new StringBuilder("<table id=\"comparison-table\"><tr><th>method</th><th>target</th>");
            for (String name : metricNames) {
                MetricsTable.shown().stream()
                        .filter(c -> c.name().equals(name))
                        .findFirst()
                        .ifPresent(
                                c -> head.append("<th>").append(esc(c.label())).append("</th>"));
            }
            line(head.append("</tr>").toString());
            Map<String, Map<String, Comparisons.Comparison>> byRow = new java.util.LinkedHashMap<>();
            for (Comparisons.Comparison c : s.comparisons()) {
                byRow.computeIfAbsent(c.method() + "\t" + c.target(), k -> new java.util.HashMap<>())
                        .put(c.metric(), c);
            }
            for (var entry : byRow.entrySet()) {
                String[] key = entry.getKey().split("\t");
                StringBuilder row = new StringBuilder(
                        "<tr><td class=\"name\">" + esc(key[0]) + "</td><td class=\"name\">" + esc(key[1]) + "</td>");
                for (String name : metricNames) {
                    Comparisons.Comparison c = entry.getValue().get(name);
                    if (c == null) {
                        row.append("<td>&ndash;</td>");
                        continue;
                    }
                    String css = c.significant() ? (c.better() ? " class=\"better\"" : " class=\"worse\"") : "";
                    row.append("<td")
                            .append(css)
                            .append(" title=\"95% interval ")
                            .append(interval(c.differenceCi95()))
                            .append("\">")
                            .append(String.format(Locale.ROOT, "%+.3f", c.difference()))
                            .append("</td>");
                }
                line(row.append("</tr>").toString());
            }
            line("</table>");
        }

        if (!run.sanity().isEmpty()) {
            RunResults.SanityRow first = run.sanity().get(0);
            line("<h2 id=\"sanity\">Sanity checks</h2>");
            line("<p class=\"note\">Mean Spearman correlation between a method's maps from the trained model and from "
                    + "the model with its weights re-initialized, cumulatively from the head down (Adebayo et al. 2018), "
                    + "and with the maps of a random other class (Sixt et al. 2020). A method fails when its maps from the "
                    + "fully randomized model still correlate at 0.5 or more: they do not depend on what the model "
                    + "learned.</p>");
            StringBuilder head = new StringBuilder("<table id=\"sanity-table\"><tr><th>method</th><th>target</th>");
            for (String step : first.steps()) {
                head.append("<th>").append(esc(step)).append("</th>");
            }
            line(head.append("<th>random class</th><th>verdict</th></tr>").toString());
            for (RunResults.SanityRow r : run.sanity()) {
                StringBuilder row = new StringBuilder("<tr><td class=\"name\">" + esc(r.method())
                        + "</td><td class=\"name\">" + esc(r.target()) + "</td>");
                for (double c : r.correlations()) {
                    row.append(cell(c));
                }
                row.append(cell(r.randomLogit()))
                        .append(r.passed() ? "<td>passed</td>" : "<td class=\"fail\">failed</td>");
                line(row.append("</tr>").toString());
            }
            line("</table>");
        }

        List<MetricAgreement.Agreement> agreement = s.metricAgreement().stream()
                .filter(a -> a.target().equals(run.target()))
                .toList();
        if (!agreement.isEmpty()) {
            line("<h2 id=\"agreement\">Do the metrics agree? (" + esc(run.target()) + " class)</h2>");
            line("<p class=\"note\">Kendall's &tau; between the method rankings of two metrics (each oriented so that "
                    + "better is higher): 1 = the same order, &minus;1 = reversed.</p>");
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
            line(head.append("</tr>").toString());
            for (String a : names) {
                StringBuilder row = new StringBuilder("<tr><td class=\"name\">" + esc(MetricsTable.label(a)) + "</td>");
                for (String b : names) {
                    double tau = a.equals(b)
                            ? 1
                            : agreement.stream()
                                    .filter(x -> (x.metricA().equals(a)
                                                    && x.metricB().equals(b))
                                            || (x.metricA().equals(b)
                                                    && x.metricB().equals(a)))
                                    .mapToDouble(MetricAgreement.Agreement::tau)
                                    .findFirst()
                                    .orElse(Double.NaN);
                    row.append(String.format(
                            Locale.ROOT,
                            "<td>%s</td>",
                            Double.isNaN(tau) ? "&ndash;" : String.format(Locale.ROOT, "%.2f", tau)));
                }
                line(row.append("</tr>").toString());
            }
            line("</table>");
        }

        List<CurveChart.Curve> positive = new ArrayList<>();
        List<CurveChart.Curve> negative = new ArrayList<>();
        for (RunResults.MethodRow m : run.metrics()) {
            if (m.target().equals(run.target()) && m.accuracyPositive() != null) {
                positive.add(new CurveChart.Curve(m.method(), m.fractions(), m.accuracyPositive()));
                negative.add(new CurveChart.Curve(m.method(), m.fractions(), m.accuracyNegative()));
            }
        }
        if (!positive.isEmpty()) {
            line("<h2 id=\"curves\">Perturbation curves (" + esc(run.target()) + " class)</h2>");
            line("<div class=\"row\">"
                    + img(
                            CurveChart.render("most relevant set to 0 first (lower is better)", positive, 620, 380),
                            "positive perturbation curves")
                    + img(
                            CurveChart.render("least relevant set to 0 first (higher is better)", negative, 620, 380),
                            "negative perturbation curves")
                    + "</div>");
        }

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
                                    ? "<div style=\"width:" + TILE + "px;height:" + TILE + "px\">(no image)</div>"
                                    : img(scaled(picture), "input image"))
                    .append("<figcaption>")
                    .append(caption)
                    .append("</figcaption></figure>");
            for (String method : run.methods()) {
                RunResults.Heatmap map = image.heatmaps().get(method);
                if (map == null) {
                    continue;
                }
                row.append("<figure>")
                        .append(img(
                                HeatmapImage.render(picture, map.values(), map.height(), map.width(), TILE),
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

    /** A metric with the half-width of its interval. */
    private static String cell(double v, Interval ci) {
        if (Double.isNaN(v)) {
            return "<td>&ndash;</td>";
        }
        if (!ci.defined()) {
            return cell(v);
        }
        return "<td>" + String.format(Locale.ROOT, "%.3f&nbsp;&plusmn;%.3f", v, (ci.high() - ci.low()) / 2) + "</td>";
    }

    private static String interval(Double[] ends) {
        if (ends == null || ends[0] == null || ends[1] == null) {
            return "&ndash;";
        }
        return String.format(Locale.ROOT, "[%.4f, %.4f]", ends[0], ends[1]);
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
