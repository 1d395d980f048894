package dev.tokentm.udfs.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DatasetMetricsTest {

    private static final double[] STEPS = {0, 0.5, 1.0};

    static PerturbationCurve curve(PixelOrder order, int label, boolean[] correct, double... probabilities) {
        float[] logP = new float[probabilities.length];
        for (int i = 0; i < logP.length; i++) {
            logP[i] = (float) Math.log(probabilities[i]);
        }
        float[] zeros = new float[probabilities.length];
        return new PerturbationCurve(order, STEPS, label, label, correct, zeros, zeros, logP, zeros, zeros);
    }

    @Test
    void aopcAndLogOddsByHand() {
        PerturbationCurve c = curve(PixelOrder.POSITIVE, 1, new boolean[3], 0.8, 0.4, 0.2);
        assertEquals(((0.8 - 0.8) + (0.8 - 0.4) + (0.8 - 0.2)) / 3, c.aopc(), 1e-6);
        assertEquals((Math.log(0.4 / 0.8) + Math.log(0.2 / 0.8)) / 2, c.logOdds(), 1e-6);
    }

    @Test
    void aggregatesAccuracyCurvesAreasAndSegmentation() {
        FaithfulnessTotals t = FaithfulnessTotals.empty(STEPS);
        t = t.add(
                curve(PixelOrder.POSITIVE, 0, new boolean[] {true, true, false}, 0.9, 0.5, 0.1),
                curve(PixelOrder.NEGATIVE, 0, new boolean[] {true, true, true}, 0.9, 0.9, 0.8),
                new SegmentationCounts(3, 4, 1, 2, 2, 3, 0.8, 1, 1, 0.1));
        t = t.add(
                curve(PixelOrder.POSITIVE, 2, new boolean[] {true, false, false}, 0.6, 0.3, 0.3),
                curve(PixelOrder.NEGATIVE, 2, new boolean[] {true, false, true}, 0.6, 0.5, 0.5),
                null);
        t = t.add(
                curve(PixelOrder.POSITIVE, -1, new boolean[] {false, false, false}, 0.5, 0.5, 0.5),
                curve(PixelOrder.NEGATIVE, -1, new boolean[] {false, false, false}, 0.5, 0.5, 0.5),
                new SegmentationCounts(1, 4, 1, 4, 0, 3, 0.5, 0.25, 0.75, 0.9));
        DatasetMetrics m = DatasetMetrics.of(t);
        assertEquals(3, m.images());
        assertArrayEquals(new double[] {1.0, 0.5, 0.0}, m.accuracyPositive(), 1e-12, "2 labelled images");
        assertArrayEquals(new double[] {1.0, 0.5, 1.0}, m.accuracyNegative(), 1e-12);
        assertEquals(0.5 * (1 + 0.5) / 2 + 0.5 * (0.5 + 0) / 2, m.aucPositive(), 1e-12);
        assertEquals(0.5 * (1 + 0.5) / 2 + 0.5 * (0.5 + 1) / 2, m.aucNegative(), 1e-12);
        double aopc = ((0.4 + 0.8) / 3 + (0.3 + 0.3) / 3 + 0) / 3;
        assertEquals(aopc, m.aopc(), 1e-6);
        assertEquals(2, m.segmentedImages());
        assertEquals(4 / 8.0, m.pixelAccuracy(), 1e-12);
        assertEquals(2 / 6.0, m.iouBackground(), 1e-12);
        assertEquals(2 / 6.0, m.iouForeground(), 1e-12);
        assertEquals(2 / 6.0, m.meanIou(), 1e-12);
        assertEquals((0.8 + 0.5) / 2, m.meanAveragePrecision(), 1e-12);
    }

    @Test
    void emptyDenominatorsGiveNaNAndMismatchedStepsAreRefused() {
        DatasetMetrics m = DatasetMetrics.of(FaithfulnessTotals.empty(STEPS));
        assertEquals(Double.NaN, m.pixelAccuracy());
        assertEquals(Double.NaN, m.aucPositive());
        PerturbationCurve other = new PerturbationCurve(
                PixelOrder.POSITIVE,
                new double[] {0, 1},
                0,
                0,
                new boolean[2],
                new float[2],
                new float[2],
                new float[2],
                new float[2],
                new float[2]);
        assertThrows(IllegalArgumentException.class, () -> FaithfulnessTotals.empty(STEPS)
                .add(other, other, null));
    }
}
