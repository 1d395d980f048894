package dev.tokentm.udfs.metrics;

/**
 * One image explained by one method, with its faithfulness measurements. A curve of a protocol
 * that did not run is null.
 *
 * @param index the image's position in its batch
 * @param method the explainer's name
 * @param target which class was explained
 * @param explainedClass the class the heatmap explains
 * @param heatmap the heatmap, row-major {@code height × width}
 * @param height the heatmap's rows: patch rows, or pixel rows for pixel-resolution methods
 * @param width the heatmap's columns
 * @param heatmapError for sampled methods, the largest standard error of the heatmap's values; null
 *     where the heatmap is computed exactly
 * @param positive pixels set to 0, most relevant first (MoRF)
 * @param negative pixels set to 0, least relevant first (LeRF)
 * @param deletion RISE's deletion: {@code positive} continued to an all-zero image
 * @param roadMorf ROAD's imputation, most relevant first
 * @param roadLerf ROAD's imputation, least relevant first
 * @param blurMorf pixels blurred, most relevant first
 * @param blurLerf pixels blurred, least relevant first
 * @param insertion RISE's insertion: most relevant pixels revealed first on a blurred copy
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
        int explainedClass,
        float[] heatmap,
        int height,
        int width,
        Double heatmapError,
        PerturbationCurve positive,
        PerturbationCurve negative,
        PerturbationCurve deletion,
        PerturbationCurve roadMorf,
        PerturbationCurve roadLerf,
        PerturbationCurve blurMorf,
        PerturbationCurve blurLerf,
        PerturbationCurve insertion,
        SegmentationCounts segmentation,
        int predicted,
        float probability,
        double seconds) {

    /** This result with another cost per image. */
    public ImageResult withSeconds(double other) {
        return new ImageResult(
                index,
                method,
                target,
                explainedClass,
                heatmap,
                height,
                width,
                heatmapError,
                positive,
                negative,
                deletion,
                roadMorf,
                roadLerf,
                blurMorf,
                blurLerf,
                insertion,
                segmentation,
                predicted,
                probability,
                other);
    }

    /** The perturbation steps from 0, as the MoRF/LeRF curves have them; null when none ran. */
    public double[] fractions() {
        for (PerturbationCurve c : new PerturbationCurve[] {positive, roadMorf, blurMorf}) {
            if (c != null) {
                return c.fractions();
            }
        }
        return null;
    }
}
