package dev.tokentm.job.dataset;

/**
 * How a cluttered Fashion-MNIST image is made; every option in one place.
 *
 * @param canvas side of the square RGB canvas
 * @param minScale smallest side the garment is scaled to
 * @param maxScale largest side the garment is scaled to
 * @param fragments pieces of other garments scattered under the object
 * @param fragmentMin smallest side of a fragment cut from a 28x28 garment
 * @param fragmentMax largest side of such a fragment
 * @param texture amplitude of the background's stripes and gradients
 * @param noise standard deviation of the per-pixel Gaussian noise
 * @param maskThreshold garment intensity above which a pixel belongs to the object mask
 */
public record ClutterSettings(
        int canvas,
        int minScale,
        int maxScale,
        int fragments,
        int fragmentMin,
        int fragmentMax,
        double texture,
        double noise,
        double maskThreshold) {

    public ClutterSettings {
        if (canvas < 8 || minScale < 4 || maxScale < minScale || maxScale > canvas) {
            throw new IllegalArgumentException(
                    "need 4 <= minScale <= maxScale <= canvas, got " + minScale + ".." + maxScale + " on " + canvas);
        }
        if (fragments < 0 || fragmentMin < 2 || fragmentMax < fragmentMin || fragmentMax > FashionMnist.SIDE) {
            throw new IllegalArgumentException("need 2 <= fragmentMin <= fragmentMax <= 28 and fragments >= 0");
        }
        if (texture < 0 || noise < 0 || maskThreshold <= 0 || maskThreshold >= 1) {
            throw new IllegalArgumentException("texture and noise must be >= 0, mask threshold in (0, 1)");
        }
    }

    /**
     * The project's default: 64x64 canvas, garment 30-46 px, four fragments cut at 6-12 px,
     * textured and noisy. (Fragments as large as the smaller garments, 9-18 px enlarged up to
     * 1.6x, left the ViT at 35% after two epochs.)
     */
    public static ClutterSettings defaults() {
        return new ClutterSettings(64, 30, 46, 4, 6, 12, 0.15, 0.04, 0.2);
    }
}
