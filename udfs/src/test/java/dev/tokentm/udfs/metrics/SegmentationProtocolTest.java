package dev.tokentm.udfs.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The segmentation test on maps worked out by hand: counts and APs for normal, constant, empty and
 * full masks; the APs read off a pixel ranking equal, bit for bit, sorting the scores (tied,
 * constant and infinite maps).
 */
class SegmentationProtocolTest {

    private static final boolean[] MASK = {false, true, true, true};

    @Test
    void thresholdsTheNormalizedMapAtItsMean() {
        // normalized map 0, 1/3, 2/3, 1; mean 1/2: foreground predicted at pixels 2 and 3.
        SegmentationCounts c = SegmentationProtocol.evaluate(new float[] {0, 1, 2, 3}, 2, 2, MASK, 2, 2);
        assertEquals(3, c.correct());
        assertEquals(4, c.labeled());
        assertEquals(1, c.intersectionBackground());
        assertEquals(2, c.unionBackground());
        assertEquals(2, c.intersectionForeground());
        assertEquals(3, c.unionForeground());
        assertEquals(1.0, c.averagePrecisionForeground(), 1e-12);
        assertEquals(1.0, c.averagePrecisionBackground(), 1e-12);
        // pooled: thresholds 1 (P=1, R=.5), 2/3 (P=.75, R=.75), 1/3 (P=4/6, R=1), 0
        assertEquals(0.5 + 0.25 * 0.75 + 0.25 * 4 / 6.0, c.averagePrecision(), 1e-12);
    }

    @Test
    void relevanceOutsideTheObjectIsTheShareOfPositiveMass() {
        // Map 4, 1, 2, 3 on mask {bg, fg, fg, fg}: 4 of 10 outside. Negative values count as 0.
        assertEquals(
                0.4,
                SegmentationProtocol.evaluate(new float[] {4, 1, 2, 3}, 2, 2, MASK, 2, 2)
                        .relevanceOutside(),
                1e-12);
        assertEquals(
                0.0,
                SegmentationProtocol.evaluate(new float[] {-4, 1, 2, 3}, 2, 2, MASK, 2, 2)
                        .relevanceOutside(),
                1e-12);
        assertEquals(
                Double.NaN,
                SegmentationProtocol.evaluate(new float[] {-1, -1, 0, 0}, 2, 2, MASK, 2, 2)
                        .relevanceOutside());
    }

    @Test
    void aConstantHeatmapPredictsBackgroundEverywhere() {
        SegmentationCounts c = SegmentationProtocol.evaluate(new float[] {5, 5, 5, 5}, 2, 2, MASK, 2, 2);
        assertEquals(1, c.correct());
        assertEquals(1, c.intersectionBackground());
        assertEquals(4, c.unionBackground());
        assertEquals(0, c.intersectionForeground());
        assertEquals(3, c.unionForeground());
        assertEquals(0.5, c.averagePrecision(), 1e-12, "all scores 0: precision = share of positives");
        assertEquals(0.75, c.averagePrecisionForeground(), 1e-12);
        assertEquals(0.25, c.averagePrecisionBackground(), 1e-12);
    }

    @Test
    void emptyAndFullMasks() {
        // Normalized map 0, 1/4, 1/2, 1 (exact in binary, so ties are real ties); mean 7/16.
        float[] map = {0, 1, 2, 4};
        SegmentationCounts empty = SegmentationProtocol.evaluate(map, 2, 2, new boolean[4], 2, 2);
        assertEquals(2, empty.correct());
        assertEquals(0, empty.intersectionForeground());
        assertEquals(2, empty.unionForeground());
        assertEquals(0.0, empty.averagePrecisionForeground(), "no foreground pixel: AP 0, as nan_to_num gives");
        // Pooled: background scores 1, 3/4, 1/2, 0 (all positive), foreground scores 0, 1/4, 1/2, 1
        // (all negative). Thresholds: 1 (P=1/2, R=1/4), 3/4 (2/3, 1/2), 1/2 (3/5, 3/4), 1/4, 0 (1/2, 1).
        assertEquals(0.25 * (0.5 + 2 / 3.0 + 0.6 + 0.5), empty.averagePrecision(), 1e-12);
        SegmentationCounts full =
                SegmentationProtocol.evaluate(map, 2, 2, new boolean[] {true, true, true, true}, 2, 2);
        assertEquals(2, full.correct());
        assertEquals(0.0, full.averagePrecisionBackground());
        assertEquals(0, full.intersectionBackground());
        assertEquals(2, full.unionBackground());
    }

    @Test
    void upsamplesTheGridToTheMask() {
        // A 1x2 grid (left cold, right hot) on a 2x4 mask whose right half is the object.
        boolean[] rightHalf = {false, false, true, true, false, false, true, true};
        SegmentationCounts c = SegmentationProtocol.evaluate(new float[] {0, 1}, 1, 2, rightHalf, 2, 4);
        assertEquals(8, c.correct());
        assertEquals(1.0, c.averagePrecision(), 1e-12);
    }

    /**
     * The average precisions read off the heatmap's pixel ranking equal, bit for bit, those of
     * {@link AveragePrecision#of} (which sorts the scores itself) on the scores the protocol
     * defines: the map min-max normalized for the object, 1 minus it for the background, both
     * pooled. Random 64x64 maps upsampled from 8x8 grids with tied values, constant maps and maps
     * with an infinity (whose normalization gives NaN).
     */
    @Test
    void averagePrecisionFromTheRankingEqualsSortingTheScores() {
        java.util.Random random = new java.util.Random(5);
        int size = 64;
        for (int trial = 0; trial < 60; trial++) {
            float[] grid = new float[64];
            for (int i = 0; i < grid.length; i++) {
                grid[i] = switch (trial % 4) {
                    case 0 -> random.nextInt(4); // many tied values
                    case 1 -> 3f; // constant
                    case 2 -> i == 9 ? Float.POSITIVE_INFINITY : (float) random.nextGaussian();
                    default -> (float) random.nextGaussian();
                };
            }
            boolean[] mask = new boolean[size * size];
            for (int i = 0; i < mask.length; i++) {
                mask[i] = random.nextInt(3) == 0;
            }
            double[] map = dev.tokentm.udfs.image.BilinearUpsampler.resize(grid, 8, 8, size, size);
            SegmentationCounts c = SegmentationProtocol.evaluate(PixelRanking.of(map), mask);

            double min = java.util.Arrays.stream(map).min().orElseThrow();
            double max = java.util.Arrays.stream(map).max().orElseThrow();
            boolean constant = !(max > min);
            int n = map.length;
            double[] foregroundScores = new double[n];
            double[] backgroundScores = new double[n];
            boolean[] background = new boolean[n];
            for (int i = 0; i < n; i++) {
                foregroundScores[i] = constant ? 0 : (map[i] - min) / (max - min);
                backgroundScores[i] = constant ? 0 : 1 - foregroundScores[i];
                background[i] = !mask[i];
            }
            double[] pooledScores = new double[2 * n];
            boolean[] pooledLabels = new boolean[2 * n];
            System.arraycopy(backgroundScores, 0, pooledScores, 0, n);
            System.arraycopy(foregroundScores, 0, pooledScores, n, n);
            System.arraycopy(background, 0, pooledLabels, 0, n);
            System.arraycopy(mask, 0, pooledLabels, n, n);
            assertEquals(AveragePrecision.of(foregroundScores, mask), c.averagePrecisionForeground(), 0.0);
            assertEquals(AveragePrecision.of(backgroundScores, background), c.averagePrecisionBackground(), 0.0);
            assertEquals(AveragePrecision.of(pooledScores, pooledLabels), c.averagePrecision(), 0.0);
            // The grid path (upsampling and ranking inside) gives the same counts.
            assertEquals(c, SegmentationProtocol.evaluate(grid, 8, 8, mask, size, size));
        }
    }
}
