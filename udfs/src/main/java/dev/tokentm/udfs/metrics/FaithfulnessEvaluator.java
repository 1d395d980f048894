package dev.tokentm.udfs.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tokentm.udfs.explain.ExplainContext;
import dev.tokentm.udfs.explain.Explainer;
import dev.tokentm.udfs.model.TargetClasses;
import dev.tokentm.udfs.model.VisionTransformer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What an executor does with one batch: explain it with every method (one shared trace), then
 * run the chosen perturbation protocols (zero, ROAD, blur; each in both orders) and, where a mask
 * exists, the segmentation test, per image.
 */
public final class FaithfulnessEvaluator {

    private final PerturbationProtocol perturbation;
    private final Set<Protocol> protocols;
    private final Removal road;
    private final Removal blur;

    /** Zero removal only (the published perturbation test) and segmentation. */
    public FaithfulnessEvaluator(PerturbationProtocol perturbation) {
        this(perturbation, EnumSet.of(Protocol.ZERO));
    }

    /**
     * @param protocols which removal protocols to run ({@link Protocol#SANITY} is not run per batch)
     */
    public FaithfulnessEvaluator(PerturbationProtocol perturbation, Set<Protocol> protocols) {
        this(perturbation, protocols, NoisyLinearImputer.roadFast(), GaussianBlur.rise());
    }

    public FaithfulnessEvaluator(
            PerturbationProtocol perturbation, Set<Protocol> protocols, Removal road, Removal blur) {
        this.perturbation = Objects.requireNonNull(perturbation, "perturbation");
        this.protocols = protocols.isEmpty() ? EnumSet.noneOf(Protocol.class) : EnumSet.copyOf(protocols);
        this.road = Objects.requireNonNull(road, "road");
        this.blur = Objects.requireNonNull(blur, "blur");
    }

    /**
     * Forward passes per image, method and target that these protocols cost (the unperturbed image's
     * pass is shared): zeroing K steps in both orders plus deletion's all-zero image; ROAD K steps in
     * both orders; blurring K steps in both orders plus insertion's K steps and its fully blurred
     * start.
     */
    public static int forwardsPerImage(PerturbationProtocol perturbation, Set<Protocol> protocols) {
        int k = perturbation.fractions().length;
        int lastIsWhole = perturbation.fractions()[k - 1] >= 1 ? 0 : 1;
        int passes = 0;
        if (protocols.contains(Protocol.ZERO)) {
            passes += 2 * k + lastIsWhole;
        }
        if (protocols.contains(Protocol.ROAD)) {
            passes += 2 * k;
        }
        if (protocols.contains(Protocol.BLUR)) {
            passes += 3 * k + lastIsWhole;
        }
        return passes;
    }

    /** An object mask: row-major {@code height × width}, true on the object. */
    public record Mask(boolean[] foreground, int height, int width) {
        public Mask {
            if (foreground.length != height * width) {
                throw new IllegalArgumentException(
                        "mask has " + foreground.length + " pixels, not " + height + "x" + width);
            }
        }
    }

    /**
     * @param rawImages un-normalized images in [0,1], {@code [B, C, H, W]} at the model's input size
     * @param labels true class per image, -1 when unknown
     * @param masks one per image, null entries for images without a mask
     * @return one result per image and method, methods in the given order
     */
    public List<ImageResult> evaluate(
            VisionTransformer model,
            NDArray rawImages,
            int[] labels,
            List<Mask> masks,
            List<Explainer> explainers,
            TargetMode mode) {
        return evaluate(model, rawImages, labels, masks, explainers, mode, new long[labels.length]);
    }

    /**
     * As {@link #evaluate(VisionTransformer, NDArray, int[], List, List, TargetMode)}, with a seed per
     * image for the removals that draw noise (ROAD), so an image's results do not depend on its batch.
     */
    public List<ImageResult> evaluate(
            VisionTransformer model,
            NDArray rawImages,
            int[] labels,
            List<Mask> masks,
            List<Explainer> explainers,
            TargetMode mode,
            long[] seeds) {
        int batch = Math.toIntExact(rawImages.getShape().get(0));
        if (labels.length != batch || masks.size() != batch || seeds.length != batch) {
            throw new IllegalArgumentException(batch + " images need as many labels, masks and seeds, got "
                    + labels.length + " labels, " + masks.size() + " masks and " + seeds.length + " seeds");
        }
        List<ImageResult> results = new ArrayList<>();
        try (NDManager scope = rawImages.getManager().newSubManager()) {
            NDArray raw = rawImages.toType(DataType.FLOAT32, true); // a copy, so work lands in this scope
            raw.attach(scope);
            NDArray normalized = model.config().preprocessing().normalize(raw);
            TargetClasses targets =
                    mode == TargetMode.LABEL ? TargetClasses.labelsOrPredicted(labels) : TargetClasses.predicted();
            try (ExplainContext context = new ExplainContext(model, normalized, targets, explainers)) {
                int[] explained = context.targets();
                NDArray unperturbed = context.logits();
                float[][] logits =
                        rows(unperturbed.toType(DataType.FLOAT32, false).toFloatArray(), batch);
                int[] predicted = TargetClasses.predicted().select(unperturbed);
                float[] probabilities = topProbabilities(logits);
                for (Explainer explainer : explainers) {
                    long start = System.nanoTime();
                    NDArray heatmaps = explainer.explain(context).toType(DataType.FLOAT32, false);
                    float[] maps = heatmaps.toFloatArray();
                    double[] errors = context.standardErrors(explainer.name());
                    int height = Math.toIntExact(heatmaps.getShape().get(1));
                    int width = Math.toIntExact(heatmaps.getShape().get(2));
                    int size = height * width;
                    Curves curves = new Curves(model, raw, heatmaps, labels, explained, logits, seeds);
                    List<PerturbationCurve> deletion = curves.run(Protocol.ZERO, Perturbation.deletion());
                    List<PerturbationCurve> negative =
                            curves.run(Protocol.ZERO, Perturbation.remove(PixelOrder.NEGATIVE, Removal.ZERO));
                    List<PerturbationCurve> roadMorf =
                            curves.run(Protocol.ROAD, Perturbation.remove(PixelOrder.POSITIVE, road));
                    List<PerturbationCurve> roadLerf =
                            curves.run(Protocol.ROAD, Perturbation.remove(PixelOrder.NEGATIVE, road));
                    List<PerturbationCurve> blurMorf =
                            curves.run(Protocol.BLUR, Perturbation.remove(PixelOrder.POSITIVE, blur));
                    List<PerturbationCurve> blurLerf =
                            curves.run(Protocol.BLUR, Perturbation.remove(PixelOrder.NEGATIVE, blur));
                    List<PerturbationCurve> insertion = curves.run(Protocol.BLUR, Perturbation.insertion(blur));
                    int zeroSteps = perturbation.fractions().length + 1;
                    double seconds = (System.nanoTime() - start) / 1e9 / batch;
                    for (int b = 0; b < batch; b++) {
                        float[] map = Arrays.copyOfRange(maps, b * size, (b + 1) * size);
                        Mask mask = masks.get(b);
                        SegmentationCounts segmentation = mask == null
                                ? null
                                : SegmentationProtocol.evaluate(
                                        map, height, width, mask.foreground(), mask.height(), mask.width());
                        results.add(new ImageResult(
                                b,
                                explainer.name(),
                                mode,
                                explained[b],
                                map,
                                height,
                                width,
                                errors == null ? null : errors[b],
                                deletion == null ? null : deletion.get(b).first(zeroSteps),
                                at(negative, b),
                                at(deletion, b),
                                at(roadMorf, b),
                                at(roadLerf, b),
                                at(blurMorf, b),
                                at(blurLerf, b),
                                at(insertion, b),
                                segmentation,
                                predicted[b],
                                probabilities[b],
                                seconds));
                    }
                }
            }
        }
        return results;
    }

    /** The curves of one method's heatmaps, for the protocols that run. */
    private final class Curves {
        private final VisionTransformer model;
        private final NDArray raw;
        private final NDArray heatmaps;
        private final int[] labels;
        private final int[] explained;
        private final float[][] logits;
        private final long[] seeds;

        Curves(
                VisionTransformer model,
                NDArray raw,
                NDArray heatmaps,
                int[] labels,
                int[] explained,
                float[][] logits,
                long[] seeds) {
            this.model = model;
            this.raw = raw;
            this.heatmaps = heatmaps;
            this.labels = labels;
            this.explained = explained;
            this.logits = logits;
            this.seeds = seeds;
        }

        /** The curves per image, or null when the protocol does not run. */
        List<PerturbationCurve> run(Protocol protocol, Perturbation p) {
            return protocols.contains(protocol)
                    ? perturbation.run(model, raw, heatmaps, labels, explained, p, logits, seeds)
                    : null;
        }
    }

    private static PerturbationCurve at(List<PerturbationCurve> curves, int b) {
        return curves == null ? null : curves.get(b);
    }

    private static float[] topProbabilities(float[][] logits) {
        float[] p = new float[logits.length];
        for (int b = 0; b < logits.length; b++) {
            float max = Float.NEGATIVE_INFINITY;
            for (float z : logits[b]) {
                max = Math.max(max, z);
            }
            double sum = 0;
            for (float z : logits[b]) {
                sum += Math.exp(z - max);
            }
            p[b] = (float) (1 / sum);
        }
        return p;
    }

    private static float[][] rows(float[] flat, int batch) {
        int classes = flat.length / batch;
        float[][] out = new float[batch][];
        for (int b = 0; b < batch; b++) {
            out[b] = Arrays.copyOfRange(flat, b * classes, (b + 1) * classes);
        }
        return out;
    }
}
