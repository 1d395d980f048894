package dev.tokentm.udfs.metrics;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One method on a batch: heatmaps, the logits of each perturbation pass of the plan (not yet read
 * for a class), segmentation counts and the seconds per image it took.
 *
 * @param passes the plan's runs' logits, in the plan's order
 */
record MethodRun(
        String method,
        float[] maps,
        int height,
        int width,
        double[] errors,
        int[] predictions,
        List<StepLogits> passes,
        SegmentationCounts[] segmentation,
        double seconds) {

    /**
     * Image {@code j} of this run as the result of image {@code index} of the batch, its curves read
     * for {@code explained}; predictions from {@code first}, the batch's first mode.
     */
    ImageResult result(
            int j,
            int index,
            TargetMode mode,
            int explained,
            int label,
            EvaluatedBatch first,
            PerturbationPlan plan,
            double seconds) {
        int size = height * width;
        return new ImageResult(
                index,
                method,
                mode,
                explained,
                Arrays.copyOfRange(maps, j * size, (j + 1) * size),
                height,
                width,
                errors == null ? null : errors[j],
                predictions == null ? null : predictions[j],
                curves(j, label, explained, plan),
                segmentation[j],
                first.predicted()[index],
                first.probabilities()[index],
                seconds);
    }

    /** Each curve of the plan for image {@code j}: a pass's curve, or its first steps for a curve that stops earlier. */
    private Map<Curve, PerturbationCurve> curves(int j, int label, int explained, PerturbationPlan plan) {
        Map<Curve, PerturbationCurve> curves = new EnumMap<>(Curve.class);
        for (int r = 0; r < plan.runs().size(); r++) {
            PerturbationCurve whole = passes.get(r).curve(j, label, explained);
            for (Curve c : plan.runs().get(r).curves()) {
                curves.put(c, plan.read(c, whole));
            }
        }
        return curves;
    }
}
