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
        return evaluate(
                PixelRanking.of(BilinearUpsampler.resize(heatmap, gridHeight, gridWidth, maskHeight, maskWidth)),
                foreground);
    }

    /**
     * As {@link #evaluate(float[], int, int, boolean[], int, int)}, with the heatmap already
     * upsampled to the mask's size and its pixels ranked (the perturbation tests' ranking when the
     * mask has the images' size): the sorted scores the average precisions need are read off the
     * ranking instead of sorted again.
     */
    public static SegmentationCounts evaluate(PixelRanking upsampled, boolean[] foreground) {
        if (foreground.length != upsampled.values().length) {
            throw new IllegalArgumentException(
                    "mask has " + foreground.length + " pixels, the heatmap " + upsampled.values().length);
        }
        double[] map = upsampled.values().clone();
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
        Sorted sorted = !constant && (Double.isInfinite(min) || Double.isInfinite(max))
                ? Sorted.bySorting(map, backgroundScores, foreground, background)
                : Sorted.byRanking(upsampled.ascending(), map, backgroundScores, foreground, background);
        return new SegmentationCounts(
                correct,
                n,
                intersection[0],
                predicted[0] + labelled[0] - intersection[0],
                intersection[1],
                predicted[1] + labelled[1] - intersection[1],
                // The pooled AP scores both classes' maps together: merged sorted scores, not a sort of 2n.
                AveragePrecision.ofSorted(
                        AveragePrecision.merged(sorted.background, sorted.foreground),
                        AveragePrecision.merged(sorted.backgroundPositives, sorted.foregroundPositives)),
                AveragePrecision.ofSorted(sorted.background, sorted.backgroundPositives),
                AveragePrecision.ofSorted(sorted.foreground, sorted.foregroundPositives),
                positive > 0 ? outside / positive : Double.NaN);
    }

    /** Each class's scores ascending, all of them and the positives' (its pixels'). */
    private record Sorted(
            double[] foreground, double[] foregroundPositives, double[] background, double[] backgroundPositives) {

        /**
         * Read off the heatmap's ranking: the normalized map is a non-decreasing function of it and
         * the background score (1 − map) a non-increasing one (rounding is monotone), so walking
         * the ranking up, resp. down, visits each in ascending order. Holds for a finite map and a
         * constant one (all scores 0).
         */
        static Sorted byRanking(
                int[] ascending, double[] map, double[] backgroundScores, boolean[] foreground, boolean[] background) {
            int n = ascending.length;
            double[] up = new double[n];
            double[] down = new double[n];
            for (int i = 0; i < n; i++) {
                up[i] = map[ascending[i]];
                down[i] = backgroundScores[ascending[n - 1 - i]];
            }
            return new Sorted(
                    up,
                    positives(up, ascending, foreground, false),
                    down,
                    positives(down, ascending, background, true));
        }

        /** By sorting: for maps with infinities, whose normalization gives NaN. */
        static Sorted bySorting(double[] map, double[] backgroundScores, boolean[] foreground, boolean[] background) {
            return new Sorted(
                    AveragePrecision.sorted(map),
                    AveragePrecision.sorted(AveragePrecision.positiveScores(map, foreground)),
                    AveragePrecision.sorted(backgroundScores),
                    AveragePrecision.sorted(AveragePrecision.positiveScores(backgroundScores, background)));
        }

        /** The sorted scores whose pixels are positive, in the same order. */
        private static double[] positives(double[] sorted, int[] ascending, boolean[] positive, boolean reversed) {
            int n = ascending.length;
            int count = 0;
            for (boolean b : positive) {
                count += b ? 1 : 0;
            }
            double[] out = new double[count];
            int j = 0;
            for (int i = 0; i < n; i++) {
                if (positive[ascending[reversed ? n - 1 - i : i]]) {
                    out[j++] = sorted[i];
                }
            }
            return out;
        }
    }
}
