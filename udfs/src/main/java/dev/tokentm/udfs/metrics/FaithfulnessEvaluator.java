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
import java.util.List;
import java.util.Objects;

/**
 * What an executor does with one batch: explain it with every method (one shared trace), then
 * run both perturbation orders and, where a mask exists, the segmentation test, per image.
 */
public final class FaithfulnessEvaluator {

    private final PerturbationProtocol perturbation;

    public FaithfulnessEvaluator(PerturbationProtocol perturbation) {
        this.perturbation = Objects.requireNonNull(perturbation, "perturbation");
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
        int batch = Math.toIntExact(rawImages.getShape().get(0));
        if (labels.length != batch || masks.size() != batch) {
            throw new IllegalArgumentException(batch + " images need as many labels and masks, got " + labels.length
                    + " labels and " + masks.size() + " masks");
        }
        int grid = model.config().gridSize();
        List<ImageResult> results = new ArrayList<>();
        try (NDManager scope = rawImages.getManager().newSubManager()) {
            NDArray raw = rawImages.toType(DataType.FLOAT32, true); // a copy, so work lands in this scope
            raw.attach(scope);
            NDArray normalized = model.config().preprocessing().normalize(raw);
            TargetClasses targets = mode == TargetMode.LABEL ? labelsOrPredicted(labels) : TargetClasses.predicted();
            try (ExplainContext context = new ExplainContext(model, normalized, targets, explainers)) {
                int[] explained = context.targets();
                NDArray unperturbed = context.trace().logits();
                float[][] logits =
                        rows(unperturbed.toType(DataType.FLOAT32, false).toFloatArray(), batch);
                int[] predicted = TargetClasses.predicted().select(unperturbed);
                for (Explainer explainer : explainers) {
                    long start = System.nanoTime();
                    NDArray heatmaps = explainer.explain(context).toType(DataType.FLOAT32, false);
                    float[] maps = heatmaps.toFloatArray();
                    List<PerturbationCurve> positive =
                            perturbation.run(model, raw, heatmaps, labels, explained, PixelOrder.POSITIVE, logits);
                    List<PerturbationCurve> negative =
                            perturbation.run(model, raw, heatmaps, labels, explained, PixelOrder.NEGATIVE, logits);
                    double seconds = (System.nanoTime() - start) / 1e9 / batch;
                    for (int b = 0; b < batch; b++) {
                        float[] map = Arrays.copyOfRange(maps, b * grid * grid, (b + 1) * grid * grid);
                        Mask mask = masks.get(b);
                        SegmentationCounts segmentation = mask == null
                                ? null
                                : SegmentationProtocol.evaluate(
                                        map, grid, grid, mask.foreground(), mask.height(), mask.width());
                        results.add(new ImageResult(
                                b,
                                explainer.name(),
                                mode,
                                map,
                                grid,
                                positive.get(b),
                                negative.get(b),
                                // Step 0 of a curve is the unperturbed image: its top probability is the prediction's.
                                segmentation,
                                predicted[b],
                                positive.get(b).topProbability()[0],
                                seconds));
                    }
                }
            }
        }
        return results;
    }

    private static float[][] rows(float[] flat, int batch) {
        int classes = flat.length / batch;
        float[][] out = new float[batch][];
        for (int b = 0; b < batch; b++) {
            out[b] = Arrays.copyOfRange(flat, b * classes, (b + 1) * classes);
        }
        return out;
    }

    /** Labels where known; the predicted class for images without one. */
    private static TargetClasses labelsOrPredicted(int[] labels) {
        int[] copy = labels.clone();
        return logits -> {
            int[] predicted = TargetClasses.predicted().select(logits);
            for (int i = 0; i < copy.length; i++) {
                if (copy[i] >= 0) {
                    predicted[i] = copy[i];
                }
            }
            return TargetClasses.of(predicted).select(logits);
        };
    }
}
