package dev.tokentm.udfs.metrics;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * One image explained by one method, with its faithfulness measurements.
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
 * @param methodPrediction for methods that run a changed model (EViT's pruned one), its top class;
 *     null where the model runs unchanged
 * @param curves the perturbation curves drawn, by {@link Curve}; those of protocols that did not
 *     run are absent
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
        Integer methodPrediction,
        Map<Curve, PerturbationCurve> curves,
        SegmentationCounts segmentation,
        int predicted,
        float probability,
        double seconds) {

    public ImageResult {
        EnumMap<Curve, PerturbationCurve> copy = new EnumMap<>(Curve.class);
        copy.putAll(curves);
        curves = Collections.unmodifiableMap(copy);
    }

    /** A curve, or null when its protocol did not run. */
    public PerturbationCurve curve(Curve c) {
        return curves.get(c);
    }

    /** A score ({@link Score#of}): null when its protocol did not run, NaN when undefined. */
    public Double score(Score s) {
        return s.of(curves);
    }

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
                methodPrediction,
                curves,
                segmentation,
                predicted,
                probability,
                other);
    }

    /** The perturbation steps from 0, as the curves that stop at the last step have them; null when none ran. */
    public double[] fractions() {
        for (Map.Entry<Curve, PerturbationCurve> c : curves.entrySet()) {
            if (!c.getKey().toEnd()) {
                return c.getValue().fractions();
            }
        }
        return null;
    }
}
