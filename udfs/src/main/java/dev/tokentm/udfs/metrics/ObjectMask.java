package dev.tokentm.udfs.metrics;

/**
 * An object mask for the segmentation test: row-major {@code height × width}, true on the object.
 */
public record ObjectMask(boolean[] foreground, int height, int width) {
    public ObjectMask {
        if (foreground.length != height * width) {
            throw new IllegalArgumentException(
                    "mask has " + foreground.length + " pixels, not " + height + "x" + width);
        }
    }
}
