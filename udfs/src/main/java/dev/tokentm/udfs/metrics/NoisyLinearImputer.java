package dev.tokentm.udfs.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import dev.tokentm.udfs.random.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

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
 * The matrix is a symmetric positive definite M-matrix (every connected region of removed pixels
 * touches a kept one unless all are removed), the same for every channel. On the CPU each image is
 * solved with primitive arrays by {@link ImputationMultigrid} (conjugate gradient preconditioned by a
 * Galerkin multigrid V-cycle, 4 to 6 iterations at a 224x224 image), images in parallel. On a GPU the
 * whole batch is solved as NDArray operations, so the pixels never leave the device: conjugate
 * gradient with a simpler V-cycle ({@code Levels}: piecewise-constant transfers, damped Jacobi, a 3x3
 * convolution for the neighbour weights), more iterations at a far lower cost each there. (The
 * paper solves each image with scipy's direct sparse solver, one core.)
 *
 * @param noise standard deviation of the Gaussian noise added to imputed pixels (the paper's 0.01 on
 *     [0,1] images); 0 for the plain linear imputation
 * @param tolerance conjugate gradient stops when every system's residual norm is below this times
 *     its right-hand side's norm (on the NDArray path, in float32: a tenth of this times the larger
 *     of that norm and the square root of the number of removed pixels, for dark regions, where the
 *     right-hand side is near 0)
 * @param maxIterations conjugate gradient's bound on iterations
 */
public record NoisyLinearImputer(double noise, double tolerance, int maxIterations) implements Removal {

    /**
     * The paper's noise; CG to a relative residual of 1e-5, where the noise-free imputation is within
     * 1.7e-5 (relative L2) of the authors' own on shared/reference/road (1e-6: 1.8e-6; 1e-4: 2.1e-4).
     */
    public static NoisyLinearImputer road() {
        return new NoisyLinearImputer(0.01, 1e-5, 500);
    }

    @Override
    public String name() {
        return "road";
    }

    @Override
    public NDArray apply(NDArray images, NDArray keep, long[] seeds) {
        return impute(images, keep, seeds);
    }

    private static final double EDGE = 1.0 / 6;
    private static final double CORNER = 1.0 / 12;

    /** The coarsest level's side in pixels. */
    private static final int COARSEST = 4;

    /**
     * @param images {@code [B, C, H, W]}, any floating type; not modified
     * @param keep {@code [B, 1, H, W]}, 1 where the pixel is kept and 0 where it is imputed
     * @param seed the noise's seed: the same seed gives the same images
     * @return the images with removed pixels imputed, in {@code images}' manager
     */
    public NDArray impute(NDArray images, NDArray keep, long seed) {
        long[] seeds = new long[Math.toIntExact(images.getShape().get(0))];
        for (int b = 0; b < seeds.length; b++) {
            seeds[b] = Seeds.mix(seed, b);
        }
        return impute(images, keep, seeds);
    }

    /**
     * As {@link #impute(NDArray, NDArray, long)} with one noise seed per image, so an image's result
     * does not depend on the batch it is in.
     */
    public NDArray impute(NDArray images, NDArray keep, long[] seeds) {
        if (seeds.length != images.getShape().get(0)) {
            throw new IllegalArgumentException(
                    seeds.length + " seeds for " + images.getShape().get(0) + " images");
        }
        return images.getDevice().isGpu() ? imputeWithNDArrays(images, keep, seeds) : imputeOnCpu(images, keep, seeds);
    }

    /** Each image solved by {@link ImputationMultigrid}, images in parallel. */
    NDArray imputeOnCpu(NDArray images, NDArray keep, long[] seeds) {
        Shape shape = images.getShape();
        int batch = Math.toIntExact(shape.get(0));
        int channels = Math.toIntExact(shape.get(1));
        int h = Math.toIntExact(shape.get(2));
        int w = Math.toIntExact(shape.get(3));
        double[] pixels = doubles(images);
        float[] kept = floats(keep);
        double[] out = new double[pixels.length];
        int plane = h * w;
        IntStream.range(0, batch).parallel().forEach(b -> {
            new ImputationMultigrid(kept, b * plane, h, w, channels)
                    .impute(pixels, b * channels * plane, out, b * channels * plane, tolerance, maxIterations);
            if (noise > 0) {
                addNoise(out, b * channels * plane, channels, plane, kept, b * plane, seeds[b]);
            }
        });
        NDManager caller = images.getManager();
        DataType type = images.getDataType();
        if (type == DataType.FLOAT64) {
            return caller.create(out, shape);
        }
        float[] narrow = new float[out.length];
        for (int i = 0; i < out.length; i++) {
            narrow[i] = (float) out[i];
        }
        if (type == DataType.FLOAT32) {
            return caller.create(narrow, shape);
        }
        try (NDArray f = caller.create(narrow, shape)) {
            return f.toType(type, true);
        }
    }

    /** The values widened in Java (a float32 array is read as is: one copy out of the engine). */
    private static double[] doubles(NDArray a) {
        if (a.getDataType() == DataType.FLOAT64) {
            return a.toDoubleArray();
        }
        float[] values = floats(a);
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    private static float[] floats(NDArray a) {
        if (a.getDataType() == DataType.FLOAT32) {
            return a.toFloatArray();
        }
        try (NDArray f = a.toType(DataType.FLOAT32, true)) {
            return f.toFloatArray();
        }
    }

    /**
     * Seeded Gaussian noise on one image's removed pixels: drawn for every value of the image in order
     * and kept on the removed ones, so it does not depend on the engine's global seed or the batch.
     */
    private void addNoise(double[] out, int offset, int channels, int plane, float[] kept, int keepOffset, long seed) {
        Random random = new Random(seed);
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < plane; i++) {
                // Rounded to float as the NDArray path's noise is, so both paths draw the same values.
                float value = (float) (noise * random.nextGaussian());
                if (kept[keepOffset + i] == 0) {
                    out[offset + c * plane + i] += value;
                }
            }
        }
    }

    /** The whole batch as NDArray operations, on the images' device (the GPU path). */
    NDArray imputeWithNDArrays(NDArray images, NDArray keep, long[] seeds) {
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
            NDArray result = linear(images, known, kernel, channels);
            if (noise > 0) {
                result = result.add(noiseArray(scope, shape, type, seeds).mul(unknown));
            }
            result.attach(caller);
            return result;
        }
    }

    /**
     * The linear imputation (no noise): conjugate gradient preconditioned by one multigrid V-cycle
     * per iteration (see {@link Levels}), so the iterations needed do not grow with the size of the
     * removed regions, as plain CG's do (about as many iterations as a hole is wide).
     */
    private NDArray linear(NDArray images, NDArray known, NDArray kernel, int channels) {
        NDArray unknown = known.neg().add(1f);
        Levels levels = new Levels(unknown, kernel, channels);
        NDArray rhs = neighbours(images.mul(known), kernel, channels).mul(unknown);
        NDArray x = solve(rhs, levels);
        return images.mul(known).add(x.mul(unknown));
    }

    /**
     * The system on a hierarchy of grids: level 0 is the image; level l+1 has half the side, a coarse
     * pixel unknown when any of its 4 pixels is, and the same stencil. Transfers are piecewise
     * constant (prolongation repeats a coarse value over its 2x2 block; restriction, its transpose,
     * sums over the block), smoothing is damped Jacobi, and the V-cycle is symmetric (as many sweeps
     * after the coarse correction as before), so it is a valid CG preconditioner.
     */
    private static final class Levels {
        private static final float OMEGA = 0.8f;
        private static final int SWEEPS = 1;
        private static final int COARSEST_SWEEPS = 6;

        final List<NDArray> unknown = new ArrayList<>();
        final List<NDArray> weightSum = new ArrayList<>();
        /** ω / s_i on unknown pixels, 0 on known ones: the Jacobi step. */
        final List<NDArray> scale = new ArrayList<>();

        final NDArray kernel;
        final int channels;

        Levels(NDArray fineUnknown, NDArray kernel, int channels) {
            this.kernel = kernel;
            this.channels = channels;
            NDArray u = fineUnknown;
            while (true) {
                Shape s = u.getShape();
                // s_i: the weights of the in-image neighbours (zero padding drops the others).
                NDArray ws = neighbours(u.onesLike(), kernel, channels);
                unknown.add(u);
                weightSum.add(ws);
                scale.add(u.div(ws).mul(OMEGA));
                if (s.get(2) % 2 != 0 || s.get(3) % 2 != 0 || Math.min(s.get(2), s.get(3)) < 2 * COARSEST) {
                    break;
                }
                u = pool(u).gt(0).toType(u.getDataType(), false);
            }
        }

        /** A v for v zero on known pixels (every vector here is). */
        NDArray apply(int level, NDArray v) {
            return weightSum
                    .get(level)
                    .mul(v)
                    .sub(neighbours(v, kernel, channels))
                    .mul(unknown.get(level));
        }

        /** One damped Jacobi sweep on A e = f. */
        NDArray sweep(int level, NDArray e, NDArray f) {
            return e.add(f.sub(apply(level, e)).mul(scale.get(level)));
        }

        /** One V-cycle from e = 0: an approximation of A⁻¹ f. */
        NDArray cycle(int level, NDArray f) {
            NDArray e = f.mul(scale.get(level));
            boolean coarsest = level == unknown.size() - 1;
            int sweeps = coarsest ? COARSEST_SWEEPS : SWEEPS;
            for (int i = 1; i < sweeps; i++) {
                e = sweep(level, e, f);
            }
            if (coarsest) {
                return e;
            }
            NDArray coarse = cycle(level + 1, pool(f.sub(apply(level, e))));
            e = e.add(coarse.repeat(2, 2).repeat(3, 2).mul(unknown.get(level)));
            for (int i = 0; i < sweeps; i++) {
                e = sweep(level, e, f);
            }
            return e;
        }

        List<NDArray> arrays() {
            List<NDArray> all = new ArrayList<>(unknown);
            all.addAll(weightSum);
            all.addAll(scale);
            all.add(kernel);
            return all;
        }
    }

    /** Sums over 2x2 blocks: {@code [B, C, H, W]} to {@code [B, C, H/2, W/2]}. */
    private static NDArray pool(NDArray x) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), s.get(1), s.get(2) / 2, 2, s.get(3) / 2, 2).sum(new int[] {3, 5});
    }

    /**
     * Preconditioned conjugate gradient on the unknown pixels of every (image, channel) system at
     * once. Each iteration works in its own NDManager, so memory stays at a few images' worth
     * whatever the number of iterations.
     */
    private NDArray solve(NDArray b, Levels levels) {
        NDManager scope = b.getManager();
        NDArray x = b.zerosLike();
        NDArray r = b.duplicate();
        NDArray z = levels.cycle(0, r);
        NDArray p = z.duplicate();
        NDArray rz = dot(r, z);
        NDArray rr = dot(r, r);
        // Relative to the right-hand side, or for a dark region (b near 0), where float32 cannot get there,
        // to the values' scale (1): an RMS residual per unknown pixel. That fallback loosens the rule, so
        // this path stops at a tenth of the tolerance (at the tolerance itself it left 2e-4 on
        // shared/reference/road; at a tenth, under 1e-4).
        double tight = tolerance / 10;
        NDArray limit = dot(b, b)
                .maximum(levels.unknown.get(0).sum(new int[] {2, 3}, true))
                .mul(tight * tight);
        for (int k = 0; k < maxIterations && !rr.lte(limit).all().getBoolean(); k++) {
            NDArray[] old = {x, r, p, rz, rr};
            try (NDManager step = scope.newSubManager()) {
                // Results go to their first operand's manager: with the state in `step`, so do the temporaries.
                step.tempAttachAll(x, r, p, rz, rr, limit);
                step.tempAttachAll(levels.arrays().toArray(new NDArray[0]));
                NDArray ap = levels.apply(0, p);
                // A system that has converged (or has no unknown pixels) keeps its x: alpha is 0 there.
                NDArray alpha =
                        rz.div(dot(p, ap).maximum(1e-30f)).mul(rr.gt(limit).toType(rr.getDataType(), false));
                NDArray nextX = x.add(p.mul(alpha));
                NDArray nextR = r.sub(ap.mul(alpha));
                NDArray nextZ = levels.cycle(0, nextR);
                NDArray nextRz = dot(nextR, nextZ);
                NDArray nextP = nextZ.add(p.mul(nextRz.div(rz.maximum(1e-30f))));
                NDArray nextRr = dot(nextR, nextR);
                scope.attachAll(nextX, nextR, nextP, nextRz, nextRr);
                x = nextX;
                r = nextR;
                p = nextP;
                rz = nextRz;
                rr = nextRr;
            }
            for (NDArray a : old) {
                a.close();
            }
        }
        return x;
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
    private NDArray noiseArray(NDManager manager, Shape shape, DataType type, long[] seeds) {
        double[] values = new double[Math.toIntExact(shape.size())];
        int perImage = values.length / seeds.length;
        for (int b = 0; b < seeds.length; b++) {
            Random random = new Random(seeds[b]);
            for (int i = b * perImage; i < (b + 1) * perImage; i++) {
                values[i] = noise * random.nextGaussian();
            }
        }
        return manager.create(values, shape).toType(type, false);
    }
}
