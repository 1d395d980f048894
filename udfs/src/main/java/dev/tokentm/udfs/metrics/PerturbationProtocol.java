package dev.tokentm.udfs.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tokentm.udfs.image.BilinearUpsampler;
import dev.tokentm.udfs.model.Preprocessing;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.model.VitConfig;
import dev.tokentm.udfs.random.Seeds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The perturbation test of Chefer et al. (CVPR 2021, public code
 * {@code pertubation_eval_from_hdf5.py}): the heatmap is upsampled bilinearly to the input
 * resolution; at each step the first {@code floor(H·W·fraction)} pixels in the removal order are
 * set to 0 in the un-normalized [0,1] image, which is then normalized and classified. The same
 * steps serve the other curves of a {@link Perturbation}: pixels replaced by ROAD's imputation or a
 * blurred copy instead of 0, and RISE's insertion, which reveals them instead. Every step of every
 * image of a batch goes through the model in as few no-gradient forward passes as {@code maxBatch}
 * allows.
 *
 * @param fractions the steps, fractions of pixels removed, increasing in (0, 1]
 * @param maxBatch the most images in one forward pass
 */
public record PerturbationProtocol(double[] fractions, int maxBatch) implements java.io.Serializable {

    /** The published steps: 10%, 20%, ..., 90%. */
    public static final double[] PUBLISHED_STEPS = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};

    public PerturbationProtocol {
        if (fractions.length == 0) {
            throw new IllegalArgumentException("a perturbation test needs at least one step");
        }
        double previous = 0;
        for (double f : fractions) {
            if (!(f > previous) || f > 1) {
                throw new IllegalArgumentException(
                        "perturbation steps must increase within (0, 1], got " + java.util.Arrays.toString(fractions));
            }
            previous = f;
        }
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be positive, got " + maxBatch);
        }
        fractions = fractions.clone();
    }

    /** The published steps, up to 64 images per forward pass. */
    public static PerturbationProtocol published() {
        return new PerturbationProtocol(PUBLISHED_STEPS, 64);
    }

    @Override
    public double[] fractions() {
        return fractions.clone();
    }

    /** Equal when the steps and the pass size are: settings with the same steps are the same settings. */
    @Override
    public boolean equals(Object o) {
        return o instanceof PerturbationProtocol p && Arrays.equals(fractions, p.fractions) && maxBatch == p.maxBatch;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(fractions) + maxBatch;
    }

    @Override
    public String toString() {
        return "PerturbationProtocol[fractions=" + Arrays.toString(fractions) + ", maxBatch=" + maxBatch + "]";
    }

    /**
     * @param images un-normalized images in [0,1], {@code [B, C, H, W]} at the model's input size
     * @param heatmaps {@code [B, g, g]}
     * @param labels true class per image, -1 when unknown
     * @param explained the class each heatmap explains
     */
    public List<PerturbationCurve> run(
            VisionTransformer model,
            NDArray images,
            NDArray heatmaps,
            int[] labels,
            int[] explained,
            PixelOrder order) {
        return run(model, images, heatmaps, labels, explained, order, null);
    }

    /**
     * As {@link #run(VisionTransformer, NDArray, NDArray, int[], int[], PixelOrder)}, with the
     * unperturbed images' logits already known (the explainers' forward pass computed them), so
     * step 0 costs no forward pass.
     *
     * @param unperturbed logits per image of the unperturbed batch, or null to compute them
     */
    public List<PerturbationCurve> run(
            VisionTransformer model,
            NDArray images,
            NDArray heatmaps,
            int[] labels,
            int[] explained,
            PixelOrder order,
            float[][] unperturbed) {
        return run(
                model,
                images,
                heatmaps,
                labels,
                explained,
                Perturbation.remove(order, Removal.ZERO),
                unperturbed,
                new long[labels.length]);
    }

    /**
     * One curve per image for any {@link Perturbation}: at each step the removed pixels are
     * replaced by {@code perturbation.removal()}, the image is normalized and classified.
     *
     * @param unperturbed logits per image of the unperturbed batch (reused wherever a step leaves the
     *     image whole), or null to compute them
     * @param seeds one seed per image for removals that draw noise; step k of image b uses a seed
     *     mixed from {@code seeds[b]}, the step and the perturbation, so results do not depend on
     *     batching
     */
    public List<PerturbationCurve> run(
            VisionTransformer model,
            NDArray images,
            NDArray heatmaps,
            int[] labels,
            int[] explained,
            Perturbation perturbation,
            float[][] unperturbed,
            long[] seeds) {
        int batch = Math.toIntExact(images.getShape().get(0));
        if (labels.length != batch
                || explained.length != batch
                || seeds.length != batch
                || heatmaps.getShape().get(0) != batch) {
            throw new IllegalArgumentException("need one heatmap, label, explained class and seed per image: " + batch
                    + " images, " + heatmaps.getShape().get(0) + " heatmaps, " + labels.length + " labels, "
                    + explained.length + " explained classes, " + seeds.length + " seeds");
        }
        return stepLogits(model, images, heatmaps, perturbation, unperturbed, seeds)
                .curves(labels, explained);
    }

    /**
     * The logits of every step of every image: what the model said, before any class is read from
     * it. They depend on the images and heatmaps only, so one pass serves every class a heatmap
     * is read for ({@link StepLogits#curves}).
     */
    public StepLogits stepLogits(
            VisionTransformer model,
            NDArray images,
            NDArray heatmaps,
            Perturbation perturbation,
            float[][] unperturbed,
            long[] seeds) {
        Shape s = images.getShape();
        if (heatmaps.getShape().get(0) != s.get(0)) {
            throw new IllegalArgumentException("need one heatmap per image: " + s.get(0) + " images, "
                    + heatmaps.getShape().get(0) + " heatmaps");
        }
        return stepLogits(
                model,
                images,
                rankings(heatmaps, Math.toIntExact(s.get(2)), Math.toIntExact(s.get(3))),
                perturbation,
                unperturbed,
                seeds);
    }

    /**
     * Each heatmap of {@code [B, g, g']} upsampled bilinearly to {@code height × width} and its
     * pixels ranked: what {@link #stepLogits(VisionTransformer, NDArray, PixelRanking[],
     * Perturbation, float[][], long[])} takes, made once for every perturbation of a heatmap.
     */
    public static PixelRanking[] rankings(NDArray heatmaps, int height, int width) {
        int batch = Math.toIntExact(heatmaps.getShape().get(0));
        int grid = Math.toIntExact(heatmaps.getShape().get(1));
        int gridWidth = Math.toIntExact(heatmaps.getShape().get(2));
        float[] maps = heatmaps.toType(DataType.FLOAT32, false).toFloatArray();
        PixelRanking[] rankings = new PixelRanking[batch];
        for (int b = 0; b < batch; b++) {
            float[] map = java.util.Arrays.copyOfRange(maps, b * grid * gridWidth, (b + 1) * grid * gridWidth);
            rankings[b] = PixelRanking.of(BilinearUpsampler.resize(map, grid, gridWidth, height, width));
        }
        return rankings;
    }

    /**
     * As {@link #stepLogits(VisionTransformer, NDArray, NDArray, Perturbation, float[][], long[])},
     * with the heatmaps already upsampled to the images' size and ranked ({@link #rankings}).
     */
    public StepLogits stepLogits(
            VisionTransformer model,
            NDArray images,
            PixelRanking[] rankings,
            Perturbation perturbation,
            float[][] unperturbed,
            long[] seeds) {
        VitConfig config = model.config();
        Shape s = images.getShape();
        int batch = Math.toIntExact(s.get(0));
        int height = Math.toIntExact(s.get(2));
        int width = Math.toIntExact(s.get(3));
        if (seeds.length != batch || rankings.length != batch) {
            throw new IllegalArgumentException("need one heatmap and seed per image: " + batch + " images, "
                    + rankings.length + " heatmaps, " + seeds.length + " seeds");
        }
        if (unperturbed != null && unperturbed.length != batch) {
            throw new IllegalArgumentException(unperturbed.length + " unperturbed logits for " + batch + " images");
        }
        int pixels = height * width;
        double[] steps = perturbation.steps(fractions);
        PixelOrder order = perturbation.order();

        try (NDManager scope = images.getManager().newSubManager()) {
            float[] ranks = new float[batch * pixels];
            for (int b = 0; b < batch; b++) {
                if (rankings[b].values().length != pixels) {
                    throw new IllegalArgumentException("heatmap " + b + " has " + rankings[b].values().length
                            + " pixels, the images " + height + "x" + width);
                }
                int[] rank = rankings[b].ranks(order);
                for (int p = 0; p < pixels; p++) {
                    ranks[b * pixels + p] = rank[p];
                }
            }
            NDArray rankMaps = scope.create(ranks, new Shape(batch, 1, height, width));
            NDArray raw = images.toType(DataType.FLOAT32, true); // a copy, so work lands in this scope
            raw.attach(scope);
            Preprocessing pre = config.preprocessing();

            float[][] logits = new float[steps.length * batch][];
            List<Integer> toRun = new ArrayList<>();
            for (int k = 0; k < steps.length; k++) {
                if (unperturbed != null && perturbation.unperturbedAt(pixels, steps[k])) {
                    System.arraycopy(unperturbed, 0, logits, k * batch, batch);
                } else {
                    toRun.add(k);
                }
            }
            int stepsPerPass = Math.max(1, maxBatch / batch);
            for (int first = 0; first < toRun.size(); first += stepsPerPass) {
                List<Integer> pass = toRun.subList(first, Math.min(toRun.size(), first + stepsPerPass));
                NDList keeps = new NDList();
                long[] passSeeds = new long[pass.size() * batch];
                for (int i = 0; i < pass.size(); i++) {
                    int k = pass.get(i);
                    float n = Perturbation.count(pixels, steps[k]);
                    keeps.add(
                            (perturbation.reveal() ? rankMaps.lt(n) : rankMaps.gte(n)).toType(DataType.FLOAT32, false));
                    for (int b = 0; b < batch; b++) {
                        passSeeds[i * batch + b] =
                                Seeds.mix(seeds[b], k, order.ordinal(), perturbation.reveal() ? 1 : 0);
                    }
                }
                NDArray tiled = pass.size() == 1 ? raw : raw.tile(new long[] {pass.size(), 1, 1, 1});
                NDArray perturbed = perturbation.removal().apply(tiled, NDArrays.concat(keeps, 0), passSeeds);
                NDArray out = model.logits(pre.normalize(perturbed));
                float[] flat = out.toType(DataType.FLOAT32, false).toFloatArray();
                int classes = Math.toIntExact(out.getShape().get(1));
                for (int i = 0; i < pass.size(); i++) {
                    int k = pass.get(i);
                    for (int b = 0; b < batch; b++) {
                        int r = i * batch + b;
                        logits[k * batch + b] = java.util.Arrays.copyOfRange(flat, r * classes, (r + 1) * classes);
                    }
                }
            }
            return new StepLogits(order, steps, logits, batch);
        }
    }
}
