package dev.tokentm.udfs.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * AOPC, LOdds, accuracy and probability areas of a curve by hand.
 */
class PerturbationCurveTest {

    private static final double[] STEPS = {0, 0.5, 1.0};

    /** A curve with the given correctness and explained-class probabilities per step. */
    public static PerturbationCurve curve(
            PixelOrder order, double[] steps, int label, boolean[] correct, double... probabilities) {
        float[] logP = new float[probabilities.length];
        for (int i = 0; i < logP.length; i++) {
            logP[i] = (float) Math.log(probabilities[i]);
        }
        float[] zeros = new float[probabilities.length];
        return new PerturbationCurve(order, steps, label, label, correct, zeros, zeros, logP, zeros, zeros);
    }

    @Test
    void aopcAndLogOddsByHand() {
        PerturbationCurve c = curve(PixelOrder.POSITIVE, STEPS, 1, new boolean[3], 0.8, 0.4, 0.2);
        assertEquals(((0.8 - 0.8) + (0.8 - 0.4) + (0.8 - 0.2)) / 3, c.aopc(), 1e-6);
        assertEquals((Math.log(0.4 / 0.8) + Math.log(0.2 / 0.8)) / 2, c.logOdds(), 1e-6);
    }

    @Test
    void accuracyAndProbabilityAreasByHand() {
        PerturbationCurve c = curve(PixelOrder.POSITIVE, STEPS, 2, new boolean[] {true, true, false}, 0.9, 0.5, 0.1);
        // trapezoids: 0.5·(1+1)/2 + 0.5·(1+0)/2
        assertEquals(0.75, c.accuracyArea(), 1e-12);
        // 0.5·(0.9+0.5)/2 + 0.5·(0.5+0.1)/2
        assertEquals(0.5, c.probabilityArea(), 1e-6);
        assertArrayEquals(new float[] {0.9f, 0.5f, 0.1f}, c.explainedProbability(), 1e-6f);
        PerturbationCurve unlabelled = curve(PixelOrder.POSITIVE, STEPS, -1, new boolean[3], 0.9, 0.5, 0.1);
        assertTrue(Double.isNaN(unlabelled.accuracyArea()), "no label, no accuracy");
        PerturbationCurve firstTwo = c.first(2);
        assertArrayEquals(new double[] {0, 0.5}, firstTwo.fractions());
        assertEquals(0.5, firstTwo.accuracyArea(), 1e-12);
    }
}
