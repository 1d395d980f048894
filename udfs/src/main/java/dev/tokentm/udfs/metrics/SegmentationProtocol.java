package dev.tokentm.udfs.metrics;

import dev.tokentm.udfs.image.BilinearUpsampler;

/**
 * The segmentation (localization) test of Chefer et al. (CVPR 2021, public code
 * {@code imagenet_seg_eval.py}): the heatmap is upsampled bilinearly to the mask's size, min-max
 * normalized to [0,1], and thresholded at its mean (foreground where {@code map > mean}). A
 * constant heatmap cannot be normalized (0/0): as in the published code, every pixel is then
 * predicted background and the soft maps score 0.
 */
public final class SegmentationProtocol {

    private SegmentationProtocol() {}

    /**
     * @param heatmap row-major {@code gridHeight × gridWidth}
     * @param foreground the object mask, row-major {@code maskHeight × maskWidth}
     */
    public static SegmentationCounts evaluate(
            float[] heatmap, int gridHeight, int gridWidth, boolean[] foreground, int maskHeight, int maskWidth) {
        if (foreground.length != maskHeight * maskWidth) {
            throw new IllegalArgumentException(
                    "mask has " + foreground.length + " pixels, not " + maskHeight + "x" + maskWidth);
        }
        double[] map = BilinearUpsampler.resize(heatmap, gridHeight, gridWidth, maskHeight, maskWidth);
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : map) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        boolean constant = !(max > min);
        double positive = 0;
        double outside = 0;
        for (int i = 0; i < map.length; i++) {
            double v = Math.max(0, map[i]);
            positive += v;
            outside += foreground[i] ? 0 : v;
        }
        int n = map.length;
        double mean = 0;
        for (int i = 0; i < n; i++) {
            map[i] = constant ? 0 : (map[i] - min) / (max - min);
            mean += map[i];
        }
        mean /= n;

        long correct = 0;
        long[] intersection = new long[2];
        long[] predicted = new long[2];
        long[] labelled = new long[2];
        double[] backgroundScores = new double[n];
        boolean[] background = new boolean[n];
        for (int i = 0; i < n; i++) {
            int predictedClass = !constant && map[i] > mean ? 1 : 0;
            int trueClass = foreground[i] ? 1 : 0;
            correct += predictedClass == trueClass ? 1 : 0;
            intersection[trueClass] += predictedClass == trueClass ? 1 : 0;
            predicted[predictedClass]++;
            labelled[trueClass]++;
            backgroundScores[i] = constant ? 0 : 1 - map[i];
            background[i] = !foreground[i];
        }
        // The pooled AP scores both classes' maps together: merge their sorted scores instead of sorting 2n again.
        double[] backgroundSorted = AveragePrecision.sorted(backgroundScores);
        double[] backgroundPositives =
                AveragePrecision.sorted(AveragePrecision.positiveScores(backgroundScores, background));
        double[] foregroundSorted = AveragePrecision.sorted(map);
        double[] foregroundPositives = AveragePrecision.sorted(AveragePrecision.positiveScores(map, foreground));
        return new SegmentationCounts(
                correct,
                n,
                intersection[0],
                predicted[0] + labelled[0] - intersection[0],
                intersection[1],
                predicted[1] + labelled[1] - intersection[1],
                AveragePrecision.ofSorted(
                        AveragePrecision.merged(backgroundSorted, foregroundSorted),
                        AveragePrecision.merged(backgroundPositives, foregroundPositives)),
                AveragePrecision.ofSorted(backgroundSorted, backgroundPositives),
                AveragePrecision.ofSorted(foregroundSorted, foregroundPositives),
                positive > 0 ? outside / positive : Double.NaN);
    }
}
