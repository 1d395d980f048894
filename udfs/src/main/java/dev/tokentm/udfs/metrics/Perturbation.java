package dev.tokentm.udfs.metrics;

import java.util.Objects;

/**
 * One kind of perturbation curve: the order pixels go in, what replaces them, and whether the
 * curve removes them from the image (deletion, MoRF/LeRF) or reveals them on a fully replaced
 * copy (insertion). A removal curve starts at the unperturbed image; a revealing curve starts at
 * the fully replaced image and, with {@code toEnd}, ends at the unperturbed one.
 *
 * @param order which pixels go (or come) first
 * @param removal what replaces removed pixels
 * @param reveal true for insertion: the first pixels in the order are the ones kept
 * @param toEnd whether the curve has a last step at fraction 1 (every pixel removed or revealed)
 */
public record Perturbation(PixelOrder order, Removal removal, boolean reveal, boolean toEnd) {

    public Perturbation {
        Objects.requireNonNull(order, "order");
        Objects.requireNonNull(removal, "removal");
    }

    /** Pixels removed in this order, at the protocol's steps. */
    public static Perturbation remove(PixelOrder order, Removal removal) {
        return new Perturbation(order, removal, false, false);
    }

    /** RISE's deletion: the most relevant pixels set to 0 first, down to an all-zero image. */
    public static Perturbation deletion() {
        return new Perturbation(PixelOrder.POSITIVE, Removal.ZERO, false, true);
    }

    /** RISE's insertion: the most relevant pixels revealed first on a blurred copy, up to the image. */
    public static Perturbation insertion(Removal blur) {
        return new Perturbation(PixelOrder.POSITIVE, blur, true, true);
    }

    /** The fractions of the curve, from 0, for a protocol's steps. */
    double[] steps(double[] fractions) {
        boolean end = toEnd && fractions[fractions.length - 1] < 1;
        double[] steps = new double[fractions.length + 1 + (end ? 1 : 0)];
        System.arraycopy(fractions, 0, steps, 1, fractions.length);
        if (end) {
            steps[steps.length - 1] = 1;
        }
        return steps;
    }

    /** Pixels removed or revealed at a step: {@code floor(pixels · fraction)}. */
    static int count(int pixels, double fraction) {
        return (int) Math.floor(pixels * fraction);
    }

    /** Whether the image at this step is the unperturbed one. */
    boolean unperturbedAt(int pixels, double fraction) {
        int n = count(pixels, fraction);
        return reveal ? n == pixels : n == 0;
    }
}
