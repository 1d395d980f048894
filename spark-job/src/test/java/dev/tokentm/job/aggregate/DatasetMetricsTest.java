package dev.tokentm.job.aggregate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokentm.udfs.metrics.Curve;
import dev.tokentm.udfs.metrics.ImageResult;
import dev.tokentm.udfs.metrics.PerturbationCurve;
import dev.tokentm.udfs.metrics.PixelOrder;
import dev.tokentm.udfs.metrics.Score;
import dev.tokentm.udfs.metrics.SegmentationCounts;
import dev.tokentm.udfs.metrics.TargetMode;
import dev.tokentm.udfs.table.ImageTable;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Dataset metrics of three hand-made images, computed by hand: accuracy curves, AUC, SRG, AOPC,
 * deletion, pixel accuracy, IoU, mAP and a changed model's agreement; NaN where nothing was measured.
 */
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

    /** One image's row with zeroing curves only (ROAD and blur did not run). */
    private static void add(
            Bootstrap.Sums sums,
            String id,
            int label,
            PerturbationCurve positive,
            PerturbationCurve negative,
            SegmentationCounts seg,
            Integer changedModelPrediction) {
        ImageResult r = new ImageResult(
                0,
                "m",
                TargetMode.PREDICTED,
                Math.max(label, 0),
                new float[] {1f},
                1,
                1,
                null,
                changedModelPrediction,
                Map.of(Curve.POSITIVE, positive, Curve.NEGATIVE, negative, Curve.DELETION, positive),
                seg,
                0,
                0.5f,
                0.01);
        sums.add(ImageTable.result(new ImageTable.Source(id, null, label >= 0 ? label : null), r, "cpu"));
    }

    @Test
    void accuracyCurvesAreasSrgAndSegmentationByHand() {
        Bootstrap.Sums sums = new Bootstrap(0, 0).sums(STEPS.length);
        add(
                sums,
                "a",
                0,
                curve(PixelOrder.POSITIVE, 0, new boolean[] {true, true, false}, 0.9, 0.5, 0.1),
                curve(PixelOrder.NEGATIVE, 0, new boolean[] {true, true, true}, 0.9, 0.9, 0.8),
                new SegmentationCounts(3, 4, 1, 2, 2, 3, 0.8, 1, 1, 0.1),
                0);
        add(
                sums,
                "b",
                2,
                curve(PixelOrder.POSITIVE, 2, new boolean[] {true, false, false}, 0.6, 0.3, 0.3),
                curve(PixelOrder.NEGATIVE, 2, new boolean[] {true, false, true}, 0.6, 0.5, 0.5),
                null,
                1);
        add(
                sums,
                "c",
                -1,
                curve(PixelOrder.POSITIVE, -1, new boolean[] {false, false, false}, 0.5, 0.5, 0.5),
                curve(PixelOrder.NEGATIVE, -1, new boolean[] {false, false, false}, 0.5, 0.5, 0.5),
                new SegmentationCounts(1, 4, 1, 4, 0, 3, 0.5, 0.25, 0.75, 0.9),
                null);
        DatasetMetrics m = sums.metrics(STEPS);
        assertEquals(3, m.images());
        assertArrayEquals(new double[] {1.0, 0.5, 0.0}, m.accuracy(Curve.POSITIVE), 1e-12, "2 labelled images");
        assertArrayEquals(new double[] {1.0, 0.5, 1.0}, m.accuracy(Curve.NEGATIVE), 1e-12);
        double aucPositive = 0.5 * (1 + 0.5) / 2 + 0.5 * (0.5 + 0) / 2;
        double aucNegative = 0.5 * (1 + 0.5) / 2 + 0.5 * (0.5 + 1) / 2;
        assertEquals(aucPositive, m.score(Score.POSITIVE_AUC), 1e-12);
        assertEquals(aucNegative, m.score(Score.NEGATIVE_AUC), 1e-12);
        assertEquals(aucNegative - aucPositive, m.score(Score.SRG), 1e-12);
        double aopc = ((0.4 + 0.8) / 3 + (0.3 + 0.3) / 3 + 0) / 3;
        assertEquals(aopc, m.score(Score.AOPC), 1e-6);
        // Deletion here is the positive curve: probability areas 0.5, 0.375 and 0.5, over all 3 images.
        assertEquals((0.5 + 0.375 + 0.5) / 3, m.score(Score.DELETION_AUC), 1e-6);
        assertEquals(2, m.segmentedImages());
        assertEquals(4 / 8.0, m.pixelAccuracy(), 1e-12);
        assertEquals(2 / 6.0, m.iouBackground(), 1e-12);
        assertEquals(2 / 6.0, m.iouForeground(), 1e-12);
        assertEquals(2 / 6.0, m.meanIou(), 1e-12);
        assertEquals((0.8 + 0.5) / 2, m.meanAveragePrecision(), 1e-12);
        // The changed model predicts class 0 as the model does on a, class 1 against 0 on b; c has none.
        assertEquals(0.5, m.agreement(), 1e-12);
        assertTrue(
                Double.isNaN(m.score(Score.ROAD_MORF_AUC)) && Double.isNaN(m.score(Score.INSERTION_AUC)),
                "protocols that did not run");
        assertTrue(java.util.Arrays.stream(m.accuracy(Curve.ROAD_MORF)).allMatch(Double::isNaN));
    }

    @Test
    void emptyDenominatorsGiveNaN() {
        DatasetMetrics m = new Bootstrap(0, 0).sums(STEPS.length).metrics(STEPS);
        assertTrue(Double.isNaN(m.pixelAccuracy()));
        assertTrue(Double.isNaN(m.score(Score.POSITIVE_AUC)));
        assertTrue(Double.isNaN(m.meanAveragePrecision()));
        assertTrue(Double.isNaN(m.agreement()));
    }
}
