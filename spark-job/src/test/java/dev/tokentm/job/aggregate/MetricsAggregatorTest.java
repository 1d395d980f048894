package dev.tokentm.job.aggregate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tokentm.udfs.metrics.DatasetMetrics;
import dev.tokentm.udfs.metrics.FaithfulnessTotals;
import dev.tokentm.udfs.metrics.ImageResult;
import dev.tokentm.udfs.metrics.PerturbationCurve;
import dev.tokentm.udfs.metrics.PixelOrder;
import dev.tokentm.udfs.metrics.SegmentationCounts;
import dev.tokentm.udfs.metrics.TargetMode;
import dev.tokentm.udfs.table.ImageTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Spark's aggregation of per-image rows gives the dataset numbers of one in-memory pass. */
class MetricsAggregatorTest {

    private static final double[] STEPS = {0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder()
                .master("local[2]")
                .appName("metrics-aggregator-test")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "3")
                .getOrCreate();
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    private static PerturbationCurve curve(Random r, PixelOrder order, int label, int explained) {
        int n = STEPS.length;
        boolean[] correct = new boolean[n];
        float[] logP = new float[n];
        float[] other = new float[n];
        for (int k = 0; k < n; k++) {
            correct[k] = label >= 0 && r.nextDouble() < 0.9 - 0.08 * k;
            logP[k] = (float) Math.log(0.05 + 0.9 * r.nextDouble());
            other[k] = (float) r.nextGaussian();
        }
        return new PerturbationCurve(order, STEPS, label, explained, correct, other, other, logP, other, other);
    }

    private static SegmentationCounts segmentation(Random r) {
        long labeled = 64 * 64;
        long interBg = r.nextInt(2000);
        long interFg = r.nextInt(1000);
        return new SegmentationCounts(
                interBg + interFg,
                labeled,
                interBg,
                interBg + r.nextInt(800),
                interFg,
                interFg + r.nextInt(900),
                r.nextDouble(),
                r.nextDouble(),
                r.nextDouble(),
                r.nextDouble());
    }

    @Test
    void sparkAggregationEqualsOnePassInMemory() {
        Random r = new Random(17);
        String[] methods = {"tokentm", "gae", "rollout"};
        String[] targets = {"predicted", "label"};
        Map<String, FaithfulnessTotals> inMemory = new LinkedHashMap<>();
        List<Row> rows = new ArrayList<>();
        for (int image = 0; image < 150; image++) {
            int label = image % 7 == 0 ? -1 : r.nextInt(10);
            boolean masked = image % 3 != 0;
            for (String method : methods) {
                for (String target : targets) {
                    int explained = target.equals("label") && label >= 0 ? label : r.nextInt(10);
                    PerturbationCurve pos = curve(r, PixelOrder.POSITIVE, label, explained);
                    PerturbationCurve neg = curve(r, PixelOrder.NEGATIVE, label, explained);
                    SegmentationCounts seg = masked ? segmentation(r) : null;
                    ImageResult result = new ImageResult(
                            0,
                            method,
                            TargetMode.valueOf(target.toUpperCase(Locale.ROOT)),
                            new float[] {1f},
                            1,
                            pos,
                            neg,
                            seg,
                            explained,
                            0.5f,
                            0.01);
                    rows.add(ImageTable.result(
                            new ImageTable.Source("image-" + image, null, label >= 0 ? label : null), result, "cpu"));
                    inMemory.merge(
                            method + "/" + target,
                            FaithfulnessTotals.empty(STEPS).add(pos, neg, seg),
                            (a, b) -> a.add(pos, neg, seg));
                }
            }
        }
        for (int bad = 0; bad < 20; bad++) { // error rows count nowhere
            rows.add(ImageTable.error(new ImageTable.Source("bad-" + bad, "bad.png", 3), "cannot decode"));
        }
        List<MetricsAggregator.MethodMetrics> fromSpark = MetricsAggregator.aggregate(
                spark.createDataFrame(rows, ImageTable.schema()).repartition(4), STEPS);

        assertEquals(methods.length * targets.length, fromSpark.size());
        for (MetricsAggregator.MethodMetrics m : fromSpark) {
            DatasetMetrics expected = DatasetMetrics.of(inMemory.get(m.method() + "/" + m.target()));
            DatasetMetrics actual = m.metrics();
            String group = m.method() + "/" + m.target();
            assertEquals(150, actual.images(), group);
            assertEquals(expected.images(), actual.images(), group);
            assertArrayEquals(expected.accuracyPositive(), actual.accuracyPositive(), 1e-12, group);
            assertArrayEquals(expected.accuracyNegative(), actual.accuracyNegative(), 1e-12, group);
            assertEquals(expected.aucPositive(), actual.aucPositive(), 1e-12, group);
            assertEquals(expected.aucNegative(), actual.aucNegative(), 1e-12, group);
            assertEquals(expected.aopc(), actual.aopc(), 1e-12, group);
            assertEquals(expected.logOdds(), actual.logOdds(), 1e-12, group);
            assertEquals(expected.segmentedImages(), actual.segmentedImages(), group);
            assertEquals(100, actual.segmentedImages(), group);
            assertEquals(expected.pixelAccuracy(), actual.pixelAccuracy(), 1e-12, group);
            assertEquals(expected.iouBackground(), actual.iouBackground(), 1e-12, group);
            assertEquals(expected.iouForeground(), actual.iouForeground(), 1e-12, group);
            assertEquals(expected.meanIou(), actual.meanIou(), 1e-12, group);
            assertEquals(expected.meanAveragePrecision(), actual.meanAveragePrecision(), 1e-12, group);
        }
    }
}
