package dev.tokentm.udfs.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The segmentation test on 2x2 maps worked out by hand. */
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
}
