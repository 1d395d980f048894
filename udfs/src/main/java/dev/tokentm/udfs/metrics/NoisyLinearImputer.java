package dev.tokentm.udfs.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import java.util.Random;

/**
 * ROAD's noisy linear imputation (Rong, Leemann et al., "A Consistent and Efficient Evaluation
 * Strategy for Attribution Methods", ICML 2022, Sec. 4): every removed pixel becomes the weighted
 * mean of its 8 neighbours, 1/6 for the 4 edge neighbours and 1/12 for the 4 corner neighbours
 * (weights of neighbours outside the image dropped), with all removed pixels of an image solved
 * jointly, then Gaussian noise is added to them. For removed pixel i with in-image neighbours N(i):
 *
 * <pre>
 *   s_i · x_i − Σ_{j ∈ N(i), removed} w_ij · x_j = Σ_{j ∈ N(i), kept} w_ij · v_j,   s_i = Σ_{j ∈ N(i)} w_ij
 * </pre>
 *
 * The matrix is symmetric, and positive definite when every connected region of removed pixels
 * touches a kept pixel, so the system is solved by conjugate gradient, for all images and channels of
 * a batch at once, with NDArray operations (a 3x3 convolution applies the neighbour weights), so it
 * runs wherever the model runs. Channels are independent systems with the same matrix.
 *
 * @param noise standard deviation of the Gaussian noise added to imputed pixels (the paper's 0.01 on
 *     [0,1] images); 0 for the plain linear imputation
 * @param tolerance conjugate gradient stops when every system's residual norm is below this times
 *     its right-hand side's norm
 * @param maxIterations conjugate gradient's bound on iterations
 */
public record NoisyLinearImputer(double noise, double tolerance, int maxIterations) {

    /** The paper's noise; CG to a relative residual of 1e-6. */
    public static NoisyLinearImputer road() {
        return new NoisyLinearImputer(0.01, 1e-6, 500);
    }

    private static final double EDGE = 1.0 / 6;
    private static final double CORNER = 1.0 / 12;

    /**
     * @param images {@code [B, C, H, W]}, any floating type; not modified
     * @param keep {@code [B, 1, H, W]}, 1 where the pixel is kept and 0 where it is imputed
     * @param seed the noise's seed: the same seed gives the same images
     * @return the images with removed pixels imputed, in {@code images}' manager
     */
    public NDArray impute(NDArray images, NDArray keep, long seed) {
        Shape shape = images.getShape();
        int channels = (int) shape.get(1);
        DataType type = images.getDataType();
        NDManager caller = images.getManager();
        try (NDManager scope = caller.newSubManager()) {
            // Operations give their result to the first operand's manager: borrow the inputs, so every
            // intermediate array is freed with `scope` and the inputs go back to the caller after.
            scope.tempAttachAll(images, keep);
            NDArray kernel = kernel(scope, channels, type);
            NDArray known = keep.toType(type, false).broadcast(shape);
            NDArray unknown = known.neg().add(scope.create(1.0).toType(type, false));
            // s_i: the weights of the in-image neighbours (zero padding drops the others).
            NDArray weightSum = neighbours(scope.ones(shape, type), kernel, channels);
            NDArray rhs = neighbours(images.mul(known), kernel, channels).mul(unknown);
            NDArray x = solve(rhs, unknown, weightSum, kernel, channels);
            NDArray result = images.mul(known).add(x.mul(unknown));
            if (noise > 0) {
                result = result.add(noiseArray(scope, shape, type, seed).mul(unknown));
            }
            result.attach(caller);
            return result;
        }
    }

    /**
     * Conjugate gradient on the unknown pixels of every (image, channel) system at once. Each
     * iteration works in its own NDManager, so memory stays at a few images' worth whatever the
     * number of iterations.
     */
    private NDArray solve(NDArray b, NDArray unknown, NDArray weightSum, NDArray kernel, int channels) {
        NDManager scope = b.getManager();
        NDArray x = b.zerosLike();
        NDArray r = b.duplicate();
        NDArray p = b.duplicate();
        NDArray rr = dot(r, r);
        NDArray limit = dot(b, b).mul(tolerance * tolerance);
        for (int k = 0; k < maxIterations && !rr.lte(limit).all().getBoolean(); k++) {
            NDArray[] old = {x, r, p, rr};
            try (NDManager step = scope.newSubManager()) {
                // Results go to their first operand's manager: with the state in `step`, so do the temporaries.
                step.tempAttachAll(x, r, p, rr, limit, unknown, weightSum, kernel);
                NDArray ap = apply(p, unknown, weightSum, kernel, channels);
                // A system that has converged (or has no unknown pixels) keeps its x: alpha is 0 there.
                NDArray alpha =
                        rr.div(dot(p, ap).maximum(1e-300)).mul(rr.gt(limit).toType(rr.getDataType(), false));
                NDArray nextX = x.add(p.mul(alpha));
                NDArray nextR = r.sub(ap.mul(alpha));
                NDArray nextRr = dot(nextR, nextR);
                NDArray nextP = nextR.add(p.mul(nextRr.div(rr.maximum(1e-300))));
                scope.attachAll(nextX, nextR, nextP, nextRr);
                x = nextX;
                r = nextR;
                p = nextP;
                rr = nextRr;
            }
            for (NDArray a : old) {
                a.close();
            }
        }
        return x;
    }

    /** The matrix times v, on the unknown pixels: s ⊙ v − W(v on unknown pixels). */
    private static NDArray apply(NDArray v, NDArray unknown, NDArray weightSum, NDArray kernel, int channels) {
        NDArray masked = v.mul(unknown);
        return weightSum.mul(masked).sub(neighbours(masked, kernel, channels)).mul(unknown);
    }

    /** Σ_j w_ij v_j over the 8 neighbours of every pixel, zero outside the image. */
    private static NDArray neighbours(NDArray v, NDArray kernel, int channels) {
        return Conv2d.conv2d(v, kernel, null, new Shape(1, 1), new Shape(1, 1), new Shape(1, 1), channels)
                .singletonOrThrow();
    }

    /** Per (image, channel) sums over the pixels, {@code [B, C, 1, 1]}. */
    private static NDArray dot(NDArray a, NDArray b) {
        return a.mul(b).sum(new int[] {2, 3}, true);
    }

    private static NDArray kernel(NDManager manager, int channels, DataType type) {
        double[] one = {CORNER, EDGE, CORNER, EDGE, 0, EDGE, CORNER, EDGE, CORNER};
        double[] all = new double[channels * 9];
        for (int c = 0; c < channels; c++) {
            System.arraycopy(one, 0, all, c * 9, 9);
        }
        return manager.create(all, new Shape(channels, 1, 3, 3)).toType(type, false);
    }

    /** Seeded Gaussian noise, drawn in Java so that it does not depend on the engine's global seed. */
    private NDArray noiseArray(NDManager manager, Shape shape, DataType type, long seed) {
        Random random = new Random(seed);
        double[] values = new double[Math.toIntExact(shape.size())];
        for (int i = 0; i < values.length; i++) {
            values[i] = noise * random.nextGaussian();
        }
        return manager.create(values, shape).toType(type, false);
    }
}
