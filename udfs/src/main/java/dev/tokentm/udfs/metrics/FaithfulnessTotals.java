package dev.tokentm.udfs.metrics;

import java.util.Arrays;
import java.util.Objects;

/**
 * Sums over images of one method's per-image results, from which {@link DatasetMetrics} follow.
 * Sums add: Spark computes them with SQL aggregates, tests with {@link #add}, and both end in the
 * same {@link DatasetMetrics#of}.
 *
 * @param fractions perturbation steps, starting at 0
 * @param images images evaluated
 * @param labeledImages images with a label (the accuracy's denominator)
 * @param correctPositive per step, labelled images classified correctly, most relevant removed first
 * @param correctNegative per step, the same with least relevant removed first
 * @param aopcSum sum of per-image AOPC (positive order)
 * @param logOddsSum sum of per-image LOdds (positive order)
 * @param segmentedImages images with a mask
 * @param correctPixels pixels predicted right
 * @param labeledPixels pixels with a label
 * @param intersection per class (background, foreground)
 * @param union per class (background, foreground)
 * @param averagePrecisionSum sum of per-image pooled AP
 */
public record FaithfulnessTotals(
        double[] fractions,
        long images,
        long labeledImages,
        long[] correctPositive,
        long[] correctNegative,
        double aopcSum,
        double logOddsSum,
        long segmentedImages,
        long correctPixels,
        long labeledPixels,
        long[] intersection,
        long[] union,
        double averagePrecisionSum) {

    public FaithfulnessTotals {
        Objects.requireNonNull(fractions, "fractions");
        if (correctPositive.length != fractions.length || correctNegative.length != fractions.length) {
            throw new IllegalArgumentException("one count per step needed: " + fractions.length + " steps");
        }
        if (intersection.length != 2 || union.length != 2) {
            throw new IllegalArgumentException("intersection and union need background and foreground counts");
        }
    }

    /** Nothing counted yet. */
    public static FaithfulnessTotals empty(double[] fractions) {
        return new FaithfulnessTotals(
                fractions.clone(),
                0,
                0,
                new long[fractions.length],
                new long[fractions.length],
                0,
                0,
                0,
                0,
                0,
                new long[2],
                new long[2],
                0);
    }

    /**
     * These totals plus one image.
     *
     * @param segmentation null when the image has no mask
     */
    public FaithfulnessTotals add(
            PerturbationCurve positive, PerturbationCurve negative, SegmentationCounts segmentation) {
        if (!Arrays.equals(positive.fractions(), fractions) || !Arrays.equals(negative.fractions(), fractions)) {
            throw new IllegalArgumentException("curves with steps " + Arrays.toString(positive.fractions())
                    + " do not match the totals' " + Arrays.toString(fractions));
        }
        boolean labeled = positive.label() >= 0;
        long[] pos = correctPositive.clone();
        long[] neg = correctNegative.clone();
        for (int k = 0; k < fractions.length; k++) {
            pos[k] += positive.correct()[k] ? 1 : 0;
            neg[k] += negative.correct()[k] ? 1 : 0;
        }
        long[] inter = intersection.clone();
        long[] uni = union.clone();
        long segmented = segmentedImages;
        long correct = correctPixels;
        long labeledPx = labeledPixels;
        double ap = averagePrecisionSum;
        if (segmentation != null) {
            segmented++;
            correct += segmentation.correct();
            labeledPx += segmentation.labeled();
            inter[0] += segmentation.intersectionBackground();
            inter[1] += segmentation.intersectionForeground();
            uni[0] += segmentation.unionBackground();
            uni[1] += segmentation.unionForeground();
            ap += segmentation.averagePrecision();
        }
        return new FaithfulnessTotals(
                fractions,
                images + 1,
                labeledImages + (labeled ? 1 : 0),
                pos,
                neg,
                aopcSum + positive.aopc(),
                logOddsSum + positive.logOdds(),
                segmented,
                correct,
                labeledPx,
                inter,
                uni,
                ap);
    }
}
