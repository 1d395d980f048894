package dev.tokentm.udfs.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * A decoded image as three planes of floats in [0,1], {@code [3][height][width]} flattened.
 * Grey images are replicated to three channels and 16-bit samples are scaled by their own range
 * (going through {@code getRGB} would treat grey as linear light and brighten it); alpha is
 * dropped, leaving the stored colour; palette and other colour spaces go through Java's sRGB
 * conversion.
 */
public final class RgbPixels {

    private RgbPixels() {}

    public static float[] of(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        float[] out = new float[3 * w * h];
        ColorModel model = image.getColorModel();
        Raster raster = image.getRaster();
        int colorSpace = model.getColorSpace().getType();
        boolean direct = !(model instanceof IndexColorModel) && raster.getNumBands() >= model.getNumColorComponents();
        if (direct && colorSpace == ColorSpace.TYPE_GRAY) {
            float max = (1L << model.getComponentSize(0)) - 1;
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    float v = row[x] / max;
                    out[y * w + x] = v;
                    out[(h + y) * w + x] = v;
                    out[(2 * h + y) * w + x] = v;
                }
            }
        } else if (direct
                && colorSpace == ColorSpace.TYPE_RGB
                && model.getColorSpace().isCS_sRGB()) {
            int[] row = new int[w];
            for (int c = 0; c < 3; c++) {
                float max = (1L << model.getComponentSize(c)) - 1;
                for (int y = 0; y < h; y++) {
                    raster.getSamples(0, y, w, 1, c, row);
                    for (int x = 0; x < w; x++) {
                        out[(c * h + y) * w + x] = row[x] / max;
                    }
                }
            }
        } else {
            int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
            for (int i = 0; i < w * h; i++) {
                out[i] = ((argb[i] >> 16) & 0xff) / 255f;
                out[w * h + i] = ((argb[i] >> 8) & 0xff) / 255f;
                out[2 * w * h + i] = (argb[i] & 0xff) / 255f;
            }
        }
        return out;
    }

    /** The first channel only, in [0,1]: what a mask image holds. */
    public static float[] grey(BufferedImage image) {
        float[] rgb = of(image);
        float[] grey = new float[image.getWidth() * image.getHeight()];
        System.arraycopy(rgb, 0, grey, 0, grey.length);
        return grey;
    }
}
