package dev.tokentm.udfs.image;

import java.io.Serializable;

/**
 * What the decoder accepts: larger files and images become error rows instead of using up an
 * executor's memory (a 50 kB PNG can declare 100,000 x 100,000 pixels).
 *
 * @param maxBytes the largest encoded file
 * @param maxPixels the largest width x height, checked from the header before decoding
 */
public record ImageLimits(long maxBytes, long maxPixels) implements Serializable {

    public ImageLimits {
        if (maxBytes <= 0 || maxPixels <= 0) {
            throw new IllegalArgumentException(
                    "image limits must be positive, got " + maxBytes + " bytes and " + maxPixels + " pixels");
        }
    }

    /** 64 MiB and 64 megapixels. */
    public static ImageLimits defaults() {
        return new ImageLimits(64L << 20, 64_000_000L);
    }
}
