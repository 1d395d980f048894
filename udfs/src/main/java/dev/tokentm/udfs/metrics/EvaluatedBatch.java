package dev.tokentm.udfs.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.tokentm.udfs.explain.ExplainContext;
import dev.tokentm.udfs.explain.Explainer;
import dev.tokentm.udfs.model.TargetClasses;
import dev.tokentm.udfs.model.VisionTransformer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One target mode on a batch: the shared trace, each method's heatmaps, the plan's perturbation
 * passes and the segmentation test.
 *
 * @param runs one per method, in the given order
 * @param explained the class each image's heatmaps explain; -1 for a model without a classifier
 * @param predicted each image's top class; -1 without a classifier
 * @param probabilities its softmax probability; NaN without a classifier
 */
record EvaluatedBatch(List<MethodRun> runs, int[] explained, int[] predicted, float[] probabilities) {

    /**
     * @param raw un-normalized images in [0,1], {@code [B, C, H, W]}, in the caller's scope
     */
    static EvaluatedBatch of(
            VisionTransformer model,
            NDArray raw,
            List<ImageFacts> images,
            List<Explainer> explainers,
            TargetMode mode,
            PerturbationPlan plan) {
        int batch = images.size();
        int[] labels = images.stream().mapToInt(ImageFacts::label).toArray();
        long[] seeds = images.stream().mapToLong(ImageFacts::seed).toArray();
        NDArray normalized = model.config().preprocessing().normalize(raw);
        TargetClasses targets =
                mode == TargetMode.LABEL ? TargetClasses.labelsOrPredicted(labels) : TargetClasses.predicted();
        try (ExplainContext context = new ExplainContext(model, normalized, targets, explainers)) {
            NDArray unperturbed = context.logits();
            float[][] logits =
                    LogitRows.of(unperturbed.toType(DataType.FLOAT32, false).toFloatArray(), batch);
            int imageHeight = Math.toIntExact(raw.getShape().get(2));
            int imageWidth = Math.toIntExact(raw.getShape().get(3));
            boolean ranked =
                    !plan.isEmpty() || images.stream().anyMatch(i -> atImageSize(i.mask(), imageHeight, imageWidth));
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
                List<StepLogits> passes = new ArrayList<>();
                for (PerturbationPlan.Run run : plan.runs()) {
                    passes.add(plan.test().stepLogits(model, raw, rankings, run.perturbation(), logits, seeds));
                }
                SegmentationCounts[] segmentation = new SegmentationCounts[batch];
                int size = height * width;
                for (int b = 0; b < batch; b++) {
                    ObjectMask mask = images.get(b).mask();
                    if (mask == null) {
                        continue;
                    }
                    segmentation[b] = atImageSize(mask, imageHeight, imageWidth)
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
                        context.predictions(explainer.name()),
                        passes,
                        segmentation,
                        (System.nanoTime() - start) / 1e9 / batch));
            }
            if (!model.config().hasClassifier()) {
                // A backbone's output is features: no class is explained, predicted or scored.
                int[] none = new int[batch];
                Arrays.fill(none, -1);
                float[] unscored = new float[batch];
                Arrays.fill(unscored, Float.NaN);
                return new EvaluatedBatch(runs, none, none, unscored);
            }
            return new EvaluatedBatch(
                    runs,
                    context.targets(),
                    TargetClasses.predicted().select(unperturbed),
                    LogitRows.topProbabilities(logits));
        }
    }

    /** Whether a mask has the images' size, so the heatmap's ranking at that size serves it. */
    private static boolean atImageSize(ObjectMask mask, int height, int width) {
        return mask != null && mask.height() == height && mask.width() == width;
    }

    /** Every method's result for every image, read for the mode's classes. */
    List<ImageResult> results(TargetMode mode, List<ImageFacts> images, PerturbationPlan plan) {
        List<ImageResult> results = new ArrayList<>();
        for (MethodRun run : runs) {
            for (int b = 0; b < images.size(); b++) {
                results.add(run.result(b, b, mode, explained[b], images.get(b).label(), this, plan, run.seconds()));
            }
        }
        return results;
    }
}
