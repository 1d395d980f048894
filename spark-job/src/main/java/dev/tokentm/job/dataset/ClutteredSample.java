package dev.tokentm.job.dataset;

/**
 * One cluttered image.
 *
 * @param pixels RGB values in [0,1], channel-major {@code [3][side][side]}
 * @param mask true where the placed garment is, row-major {@code side × side}
 * @param side canvas side
 * @param label the garment's class
 * @param source the garment's index in Fashion-MNIST
 * @param marked whether a planted {@link Shortcut}'s mark is on it
 */
public record ClutteredSample(float[] pixels, boolean[] mask, int side, int label, int source, boolean marked) {}
