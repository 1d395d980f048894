package dev.tokentm.job.report;

import static dev.tokentm.job.report.HtmlPage.esc;
import static dev.tokentm.job.report.HtmlPage.img;

import dev.tokentm.udfs.io.Storage;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Images side by side with every method's heatmap: the sample of classes ("where each method looks")
 * and the audit view (the reference's heatmaps with the most relevance outside the object).
 */
final class ImageGrid {

    private static final int TILE = 112;
    private final Storage.Reader files = Storage.reader();

    void samples(HtmlPage page, RunResults run) {
        page.line("<h2 id=\"samples\">Where each method looks</h2>");
        page.line("<p class=\"note\">Yellow = most relevant. Blue-white-red maps are signed: red for, blue against "
                + "the class.</p>");
        grid(page, run, run.samples(), false);
    }

    void audit(HtmlPage page, RunResults run) {
        page.line("<h2 id=\"audit\">Relevance outside the object (" + esc(run.auditMethod()) + ")</h2>");
        page.line("<p class=\"note\">Images whose " + esc(run.auditMethod()) + " heatmap puts the largest share of "
                + "its relevance outside the object mask: the model may rely on background cues here.</p>");
        grid(page, run, run.audit(), true);
    }

    private void grid(HtmlPage page, RunResults run, List<RunResults.ImageRow> images, boolean withScore) {
        for (RunResults.ImageRow image : images) {
            BufferedImage picture = picture(image.path());
            StringBuilder row = new StringBuilder("<div class=\"row\">");
            String caption = esc(shortName(image.path() != null ? image.path() : image.imageId())) + "<br>label "
                    + esc(run.className(image.label()))
                    + (image.predicted() == null
                            ? "" // a backbone predicts no class
                            : ", predicted " + esc(run.className(image.predicted()))
                                    + String.format(Locale.ROOT, " (%.2f)", image.probability()))
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
            page.line(row.append("</div>").toString());
        }
    }

    /** The image at a path, or null when it cannot be read (the report then shows the heatmap alone). */
    BufferedImage picture(String path) {
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
        return scaled(picture, TILE);
    }

    static BufferedImage scaled(BufferedImage picture, int size) {
        BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        var g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(picture, 0, 0, size, size, null);
        g.dispose();
        return out;
    }

    private static String shortName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
