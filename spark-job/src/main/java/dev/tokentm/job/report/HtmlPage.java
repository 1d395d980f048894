package dev.tokentm.job.report;

import dev.tokentm.job.aggregate.Interval;
import dev.tokentm.job.output.MetricsText;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Locale;
import javax.imageio.ImageIO;

/** An HTML page being written line by line, and the escaping and cells its sections share. */
final class HtmlPage {

    private final StringBuilder html = new StringBuilder();

    /** Appends one line. */
    void line(String s) {
        html.append(s).append('\n');
    }

    String text() {
        return html.toString();
    }

    /** Text with HTML's special characters escaped. */
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

    /** An image as an embedded PNG. */
    static String img(BufferedImage image, String alt) {
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
    static String cell(double v, Interval ci) {
        if (Double.isNaN(v)) {
            return "<td>&ndash;</td>";
        }
        if (!ci.defined()) {
            return cell(v);
        }
        return "<td>" + String.format(Locale.ROOT, "%.3f&nbsp;&plusmn;%.3f", v, (ci.high() - ci.low()) / 2) + "</td>";
    }

    /** A number to 4 decimals; a dash when undefined. */
    static String cell(double v) {
        return "<td>" + (Double.isNaN(v) ? "&ndash;" : MetricsText.fixed(v)) + "</td>";
    }

    /** {@code [low, high]}; a dash when undefined. */
    static String interval(Double[] ends) {
        if (ends == null || ends[0] == null || ends[1] == null) {
            return "&ndash;";
        }
        return String.format(Locale.ROOT, "[%.4f, %.4f]", ends[0], ends[1]);
    }
}
