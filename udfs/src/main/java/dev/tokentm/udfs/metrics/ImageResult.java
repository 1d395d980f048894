package dev.tokentm.udfs.metrics;

/**
 * One image explained by one method, with its faithfulness measurements.
 *
 * @param index the image's position in its batch
 * @param method the explainer's name
 * @param target which class was explained
 * @param heatmap the heatmap, row-major {@code grid × grid}
 * @param grid patches per side
 * @param positive perturbation curve, most relevant pixels first
 * @param negative perturbation curve, least relevant pixels first
 * @param segmentation segmentation counts, or null when the image has no mask
 * @param predicted the model's top class on the unperturbed image
 * @param probability its softmax probability
 * @param seconds this method's share of the batch's time per image: its heatmaps, perturbation
 *     and segmentation tests (the shared forward/backward trace is not included)
 */
public record ImageResult(
        int index,
        String method,
        TargetMode target,
        float[] heatmap,
        int grid,
        PerturbationCurve positive,
        PerturbationCurve negative,
        SegmentationCounts segmentation,
        int predicted,
        float probability,
        double seconds) {}
