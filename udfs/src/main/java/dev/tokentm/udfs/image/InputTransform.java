package dev.tokentm.udfs.image;

import dev.tokentm.udfs.model.Preprocessing;
import java.awt.image.BufferedImage;

/**
 * The geometric part of a model's {@link Preprocessing}: resize (shorter side or both sides) and
 * center crop, applied the same way to an image (with the model's interpolation, values clamped
 * to [0,1]) and to its object mask (nearest neighbour, so the mask stays aligned with the pixels
 * the model sees). Normalization happens later, on the batch.
 */
public final class InputTransform {

    private final Preprocessing preprocessing;

    public InputTransform(Preprocessing preprocessing) {
        this.preprocessing = preprocessing;
    }

    /** The side of the model input. */
    public int side() {
        return preprocessing.cropSize();
    }

    /** RGB in [0,1], {@code [3][side][side]} flattened. */
    public float[] image(BufferedImage image) {
        float[] out = apply(
                RgbPixels.of(image),
                3,
                image.getWidth(),
                image.getHeight(),
                Resampler.Filter.of(preprocessing.interpolation()));
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.min(1f, Math.max(0f, out[i]));
        }
        return out;
    }

    /** The object mask at the model input's resolution: true where the mask image is brighter than half. */
    public boolean[] mask(BufferedImage mask) {
        float[] grey = apply(RgbPixels.grey(mask), 1, mask.getWidth(), mask.getHeight(), Resampler.Filter.NEAREST);
        boolean[] out = new boolean[grey.length];
        for (int i = 0; i < grey.length; i++) {
            out[i] = grey[i] > 0.5f;
        }
        return out;
    }

    private float[] apply(float[] planes, int count, int width, int height, Resampler.Filter filter) {
        int resizedWidth;
        int resizedHeight;
        int size = preprocessing.resizeSize();
        if (preprocessing.resizeMode() == Preprocessing.ResizeMode.EXACT) {
            resizedWidth = size;
            resizedHeight = size;
        } else if (width <= height) {
            // torchvision's Resize(int): the shorter side becomes `size`, the longer one is truncated.
            resizedWidth = size;
            resizedHeight = Math.max(size, (int) ((long) size * height / width));
        } else {
            resizedHeight = size;
            resizedWidth = Math.max(size, (int) ((long) size * width / height));
        }
        float[] resized = resizedWidth == width && resizedHeight == height
                ? planes
                : Resampler.resize(planes, count, width, height, resizedWidth, resizedHeight, filter);
        int crop = preprocessing.cropSize();
        int top = (int) Math.round((resizedHeight - crop) / 2.0);
        int left = (int) Math.round((resizedWidth - crop) / 2.0);
        if (crop == resizedWidth && crop == resizedHeight) {
            return resized;
        }
        float[] out = new float[count * crop * crop];
        for (int p = 0; p < count; p++) {
            for (int y = 0; y < crop; y++) {
                System.arraycopy(
                        resized, (p * resizedHeight + top + y) * resizedWidth + left, out, (p * crop + y) * crop, crop);
            }
        }
        return out;
    }
}
