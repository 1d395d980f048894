package dev.tokentm.job.report;

import dev.tokentm.udfs.image.BilinearUpsampler;
import java.awt.AlphaComposite;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * A heatmap drawn over its image: the patch grid upsampled bilinearly to the display size and
 * blended at 55% over the image (or shown alone when the image is not available). Maps with
 * negative values use the diverging colour map on a scale symmetric around zero; others the
 * sequential map on [0, max].
 */
public final class HeatmapImage {

    private HeatmapImage() {}

    /** Whether the map holds negative relevance worth showing (below −1e-6 of its largest magnitude). */
    public static boolean signed(float[] heatmap) {
        double max = 0;
        double min = 0;
        for (float v : heatmap) {
            max = Math.max(max, Math.abs(v));
            min = Math.min(min, v);
        }
        return max > 0 && min < -1e-6 * max;
    }

    public static BufferedImage render(BufferedImage image, float[] heatmap, int gridHeight, int gridWidth, int size) {
        BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            if (image != null) {
                g.drawImage(image, 0, 0, size, size, null);
            }
            BufferedImage colours = colours(heatmap, gridHeight, gridWidth, size);
            g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, image == null ? 1f : 0.55f));
            g.drawImage(colours, 0, 0, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    private static BufferedImage colours(float[] heatmap, int gridHeight, int gridWidth, int size) {
        double[] map = BilinearUpsampler.resize(heatmap, gridHeight, gridWidth, size, size);
        boolean signed = signed(heatmap);
        double scale = 0;
        for (float v : heatmap) {
            scale = Math.max(scale, signed ? Math.abs(v) : v);
        }
        BufferedImage colours = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double v = scale > 0 ? map[y * size + x] / scale : 0;
                colours.setRGB(x, y, signed ? ColorMaps.diverging(v) : ColorMaps.sequential(v));
            }
        }
        return colours;
    }
}
