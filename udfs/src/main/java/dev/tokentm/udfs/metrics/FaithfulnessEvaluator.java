package dev.tokentm.udfs.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tokentm.udfs.explain.ExplainContext;
import dev.tokentm.udfs.explain.Explainer;
import dev.tokentm.udfs.model.TargetClasses;
import dev.tokentm.udfs.model.VisionTransformer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
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
        return evaluate(model, rawImages, labels, masks, explainers, List.of(mode), seeds);
    }

    /**
     * Every target mode of a batch, without repeating identical model work: the first mode is
     * explained and tested in full; for each further mode, an image whose class is the same (the
     * prediction equals the label) takes the first mode's heatmaps and curves, and a
     * {@link Explainer#classIndependent class-independent} method's curves are read again for the
     * new class from the same perturbation passes. Only class-dependent methods on images whose class
     * differs are explained and tested again. Results: per mode, per method, per image.
     */
    public List<ImageResult> evaluate(
            VisionTransformer model,
            NDArray rawImages,
            int[] labels,
            List<Mask> masks,
            List<Explainer> explainers,
            List<TargetMode> modes,
            long[] seeds) {
        int batch = Math.toIntExact(rawImages.getShape().get(0));
        if (labels.length != batch || masks.size() != batch || seeds.length != batch) {
            throw new IllegalArgumentException(batch + " images need as many labels, masks and seeds, got "
                    + labels.length + " labels, " + masks.size() + " masks and " + seeds.length + " seeds");
        }
        if (modes.isEmpty()) {
            throw new IllegalArgumentException("no target mode to explain");
        }
        List<ImageResult> results = new ArrayList<>();
        try (NDManager scope = rawImages.getManager().newSubManager()) {
            NDArray raw = rawImages.toType(DataType.FLOAT32, true); // a copy, so work lands in this scope
            raw.attach(scope);
            Batch first = explain(model, raw, labels, masks, explainers, modes.get(0), seeds);
            for (MethodRun run : first.runs) {
                for (int b = 0; b < batch; b++) {
                    results.add(run.result(b, b, modes.get(0), first.explained[b], labels[b], first, run.seconds));
                }
            }
            for (TargetMode mode : modes.subList(1, modes.size())) {
                results.addAll(again(model, raw, labels, masks, explainers, mode, seeds, first));
            }
        }
        return results;
    }

    /** A further target mode's results, reusing {@code first} wherever the model work would be the same. */
    private List<ImageResult> again(
            VisionTransformer model,
            NDArray raw,
            int[] labels,
            List<Mask> masks,
            List<Explainer> explainers,
            TargetMode mode,
            long[] seeds,
            Batch first) {
        int batch = labels.length;
        int[] classes = new int[batch];
        List<Integer> differing = new ArrayList<>();
        int[] slot = new int[batch]; // image b's position in the re-explained sub-batch, -1 when reused
        for (int b = 0; b < batch; b++) {
            classes[b] = mode == TargetMode.LABEL && labels[b] >= 0 ? labels[b] : first.predicted[b];
            slot[b] = classes[b] != first.explained[b] ? differing.size() : -1;
            if (slot[b] >= 0) {
                differing.add(b);
            }
        }
        List<Explainer> dependent =
                explainers.stream().filter(e -> !e.classIndependent()).toList();
        Batch fresh = null;
        if (!differing.isEmpty() && !dependent.isEmpty()) {
            int[] picked = differing.stream().mapToInt(Integer::intValue).toArray();
            NDArray sub = NDArrays.concat(
                    new NDList(differing.stream()
                            .map(b -> raw.get(b + ":" + (b + 1)))
                            .toList()),
                    0);
            fresh = explain(
                    model,
                    sub,
                    pick(labels, picked),
                    differing.stream().map(masks::get).toList(),
                    dependent,
                    mode,
                    pick(seeds, picked));
        }
        List<ImageResult> results = new ArrayList<>();
        int redoneRuns = 0;
        for (int e = 0; e < explainers.size(); e++) {
            long start = System.nanoTime();
            MethodRun reused = first.runs.get(e);
            MethodRun redone = fresh == null || explainers.get(e).classIndependent()
                    ? null
                    : fresh.runs.get(redoneRuns++); // fresh runs are the dependent methods, in order
            List<ImageResult> rows = new ArrayList<>(batch);
            for (int b = 0; b < batch; b++) {
                rows.add(
                        slot[b] >= 0 && redone != null
                                ? redone.result(slot[b], b, mode, classes[b], labels[b], first, 0)
                                : reused.result(b, b, mode, classes[b], labels[b], first, 0));
            }
            double spent = (System.nanoTime() - start) / 1e9 + (redone == null ? 0 : redone.seconds * differing.size());
            for (ImageResult r : rows) {
                results.add(r.withSeconds(spent / batch));
            }
        }
        return results;
    }

    /** One mode on a batch: the shared trace, each method's heatmaps, perturbation passes and segmentation. */
    private Batch explain(
            VisionTransformer model,
            NDArray raw,
            int[] labels,
            List<Mask> masks,
            List<Explainer> explainers,
            TargetMode mode,
            long[] seeds) {
        int batch = labels.length;
        NDArray normalized = model.config().preprocessing().normalize(raw);
        TargetClasses targets =
                mode == TargetMode.LABEL ? TargetClasses.labelsOrPredicted(labels) : TargetClasses.predicted();
        try (ExplainContext context = new ExplainContext(model, normalized, targets, explainers)) {
            int[] explained = context.targets();
            NDArray unperturbed = context.logits();
            float[][] logits = rows(unperturbed.toType(DataType.FLOAT32, false).toFloatArray(), batch);
            int[] predicted = TargetClasses.predicted().select(unperturbed);
            int imageHeight = Math.toIntExact(raw.getShape().get(2));
            int imageWidth = Math.toIntExact(raw.getShape().get(3));
            boolean ranked = Arrays.stream(Curve.values()).anyMatch(c -> protocols.contains(c.protocol))
                    || masks.stream().anyMatch(m -> m != null && m.height() == imageHeight && m.width() == imageWidth);
            List<MethodRun> runs = new ArrayList<>();
            for (Explainer explainer : explainers) {
                long start = System.nanoTime();
                NDArray heatmaps = explainer.explain(context).toType(DataType.FLOAT32, false);
                float[] maps = heatmaps.toFloatArray();
                int height = Math.toIntExact(heatmaps.getShape().get(1));
                int width = Math.toIntExact(heatmaps.getShape().get(2));
                // Each heatmap upsampled to the images' size and its pixels sorted once, for every curve and the masks.
                PixelRanking[] rankings =
                        ranked ? PerturbationProtocol.rankings(heatmaps, imageHeight, imageWidth) : null;
                Map<Curve, PerturbationProtocol.StepLogits> curves = new EnumMap<>(Curve.class);
                for (Curve c : Curve.values()) {
                    if (protocols.contains(c.protocol)) {
                        curves.put(c, perturbation.stepLogits(model, raw, rankings, perturbation(c), logits, seeds));
                    }
                }
                SegmentationCounts[] segmentation = new SegmentationCounts[batch];
                int size = height * width;
                for (int b = 0; b < batch; b++) {
                    Mask mask = masks.get(b);
                    if (mask == null) {
                        continue;
                    }
                    segmentation[b] = mask.height() == imageHeight && mask.width() == imageWidth
                            ? SegmentationProtocol.evaluate(rankings[b], mask.foreground())
                            : SegmentationProtocol.evaluate(
                                    Arrays.copyOfRange(maps, b * size, (b + 1) * size),
                                    height,
                                    width,
                                    mask.foreground(),
                                    mask.height(),
                                    mask.width());
                }
                runs.add(new MethodRun(
                        explainer.name(),
                        maps,
                        height,
                        width,
                        context.standardErrors(explainer.name()),
                        curves,
                        perturbation.fractions().length + 1,
                        segmentation,
                        (System.nanoTime() - start) / 1e9 / batch));
            }
            return new Batch(runs, explained, predicted, topProbabilities(logits));
        }
    }

    /** The seven curves the protocols draw, each from one {@link Perturbation}. */
    private enum Curve {
        DELETION(Protocol.ZERO),
        NEGATIVE(Protocol.ZERO),
        ROAD_MORF(Protocol.ROAD),
        ROAD_LERF(Protocol.ROAD),
        BLUR_MORF(Protocol.BLUR),
        BLUR_LERF(Protocol.BLUR),
        INSERTION(Protocol.BLUR);

        final Protocol protocol;

        Curve(Protocol protocol) {
            this.protocol = protocol;
        }
    }

    private Perturbation perturbation(Curve c) {
        return switch (c) {
            case DELETION -> Perturbation.deletion();
            case NEGATIVE -> Perturbation.remove(PixelOrder.NEGATIVE, Removal.ZERO);
            case ROAD_MORF -> Perturbation.remove(PixelOrder.POSITIVE, road);
            case ROAD_LERF -> Perturbation.remove(PixelOrder.NEGATIVE, road);
            case BLUR_MORF -> Perturbation.remove(PixelOrder.POSITIVE, blur);
            case BLUR_LERF -> Perturbation.remove(PixelOrder.NEGATIVE, blur);
            case INSERTION -> Perturbation.insertion(blur);
        };
    }

    /** A mode's batch: each method's run, the classes explained, the predictions and their probabilities. */
    private record Batch(List<MethodRun> runs, int[] explained, int[] predicted, float[] probabilities) {}

    /**
     * One method on a batch: heatmaps, their perturbation passes' logits (not yet read for a
     * class), segmentation counts and the seconds per image it took.
     *
     * @param zeroSteps the steps of the MoRF zeroing curve: 0 and the protocol's fractions
     */
    private record MethodRun(
            String method,
            float[] maps,
            int height,
            int width,
            double[] errors,
            Map<Curve, PerturbationProtocol.StepLogits> curves,
            int zeroSteps,
            SegmentationCounts[] segmentation,
            double seconds) {

        /**
         * Image {@code j} of this run as the result of image {@code index} of the batch, its curves
         * read for {@code explained}; predictions from {@code first}, the batch's first mode.
         */
        ImageResult result(int j, int index, TargetMode mode, int explained, int label, Batch first, double seconds) {
            int size = height * width;
            PerturbationCurve deletion = curve(Curve.DELETION, j, label, explained);
            return new ImageResult(
                    index,
                    method,
                    mode,
                    explained,
                    Arrays.copyOfRange(maps, j * size, (j + 1) * size),
                    height,
                    width,
                    errors == null ? null : errors[j],
                    deletion == null ? null : deletion.first(zeroSteps),
                    curve(Curve.NEGATIVE, j, label, explained),
                    deletion,
                    curve(Curve.ROAD_MORF, j, label, explained),
                    curve(Curve.ROAD_LERF, j, label, explained),
                    curve(Curve.BLUR_MORF, j, label, explained),
                    curve(Curve.BLUR_LERF, j, label, explained),
                    curve(Curve.INSERTION, j, label, explained),
                    segmentation[j],
                    first.predicted[index],
                    first.probabilities[index],
                    seconds);
        }

        private PerturbationCurve curve(Curve c, int j, int label, int explained) {
            PerturbationProtocol.StepLogits logits = curves.get(c);
            return logits == null ? null : logits.curve(j, label, explained);
        }
    }

    private static int[] pick(int[] values, int[] indices) {
        int[] out = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            out[i] = values[indices[i]];
        }
        return out;
    }

    private static long[] pick(long[] values, int[] indices) {
        long[] out = new long[indices.length];
        for (int i = 0; i < indices.length; i++) {
            out[i] = values[indices[i]];
        }
        return out;
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
