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

/**
 * Spark's aggregation of per-image rows gives the dataset numbers of one in-memory pass: 900 rows
 * with every protocol on 4 partitions give the metrics, the 200 bootstrap replicates and the
 * intervals of the in-memory sums; the metrics equal direct computations from the curves, and a
 * replicate's AOPC is the mean weighted by the images' Poisson weights.
 */
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

    /** Every curve (ROAD and blur too), drawn at random, in declaration order. */
    private static Map<Curve, PerturbationCurve> curves(Random r, int label, int explained) {
        Map<Curve, PerturbationCurve> curves = new java.util.EnumMap<>(Curve.class);
        for (Curve c : Curve.values()) {
            curves.put(c, curve(r, c.order(), label, explained));
        }
        return curves;
    }

    /** One image's result with every curve (ROAD and blur too) and, when given, segmentation. */
    static ImageResult result(
            Random r, String method, String target, int label, int explained, SegmentationCounts seg) {
        return new ImageResult(
                0,
                method,
                TargetMode.valueOf(target.toUpperCase(Locale.ROOT)),
                explained,
                new float[] {1f},
                1,
                1,
                null,
                null,
                curves(r, label, explained),
                seg,
                explained,
                0.5f,
                0.01);
    }

    @Test
    void sparkAggregationAndBootstrapEqualOnePassInMemory() {
        Random r = new Random(17);
        String[] methods = {"tokentm", "gae", "rollout"};
        String[] targets = {"predicted", "label"};
        Bootstrap bootstrap = new Bootstrap(200, 5);
        Map<String, Bootstrap.Sums> inMemory = new LinkedHashMap<>();
        Map<String, List<ImageResult>> byGroup = new LinkedHashMap<>();
        List<Row> rows = new ArrayList<>();
        for (int image = 0; image < 150; image++) {
            int label = image % 7 == 0 ? -1 : r.nextInt(10);
            boolean masked = image % 3 != 0;
            for (String method : methods) {
                for (String target : targets) {
                    int explained = target.equals("label") && label >= 0 ? label : r.nextInt(10);
                    ImageResult result = result(r, method, target, label, explained, masked ? segmentation(r) : null);
                    Row row = ImageTable.result(
                            new ImageTable.Source("image-" + image, null, label >= 0 ? label : null), result, "cpu");
                    rows.add(row);
                    inMemory.computeIfAbsent(method + "/" + target, k -> bootstrap.sums(STEPS.length))
                            .add(row);
                    byGroup.computeIfAbsent(method + "/" + target, k -> new ArrayList<>())
                            .add(result);
                }
            }
        }
        for (int bad = 0; bad < 20; bad++) { // error rows count nowhere
            rows.add(ImageTable.error(new ImageTable.Source("bad-" + bad, "bad.png", 3), "cannot decode"));
        }
        List<MetricsAggregator.MethodMetrics> fromSpark = MetricsAggregator.aggregate(
                spark.createDataFrame(rows, ImageTable.schema()).repartition(4), STEPS, bootstrap);

        assertEquals(methods.length * targets.length, fromSpark.size());
        for (MetricsAggregator.MethodMetrics m : fromSpark) {
            String group = m.method() + "/" + m.target().label();
            MetricsAggregator.MethodMetrics memory = MetricsAggregator.of(m.key(), inMemory.get(group), STEPS);
            DatasetMetrics expected = memory.metrics();
            DatasetMetrics actual = m.metrics();
            assertEquals(150, actual.images(), group);
            assertArrayEquals(expected.accuracy(Curve.POSITIVE), actual.accuracy(Curve.POSITIVE), 1e-12, group);
            assertArrayEquals(expected.accuracy(Curve.ROAD_LERF), actual.accuracy(Curve.ROAD_LERF), 1e-12, group);
            for (var metric : dev.tokentm.job.output.MetricsTable.metrics()) {
                assertEquals(
                        metric.value().applyAsDouble(expected),
                        metric.value().applyAsDouble(actual),
                        1e-9,
                        group + " " + metric.name());
                // The same interval up to summation order (partitions add in another order).
                Interval expectedCi = memory.ci95(metric.value());
                Interval actualCi = m.ci95(metric.value());
                assertEquals(expectedCi.low(), actualCi.low(), 1e-12, group + " " + metric.name());
                assertEquals(expectedCi.high(), actualCi.high(), 1e-12, group + " " + metric.name());
                assertTrue(actualCi.low() < actualCi.high(), group + " " + metric.name());
            }
            assertEquals(100, actual.segmentedImages(), group);

            // Independently of ImageSums: the metrics straight from the curves.
            List<ImageResult> results = byGroup.get(group);
            double areaSum = 0;
            double deletionSum = 0;
            int labelled = 0;
            for (ImageResult res : results) {
                deletionSum += res.curve(Curve.DELETION).probabilityArea();
                if (res.curve(Curve.POSITIVE).label() >= 0) {
                    areaSum += res.curve(Curve.POSITIVE).accuracyArea();
                    labelled++;
                }
            }
            assertEquals(areaSum / labelled, actual.score(Score.POSITIVE_AUC), 1e-9, group);
            assertEquals(deletionSum / results.size(), actual.score(Score.DELETION_AUC), 1e-6, group);
            assertEquals(
                    actual.score(Score.NEGATIVE_AUC) - actual.score(Score.POSITIVE_AUC),
                    actual.score(Score.SRG),
                    1e-9,
                    group);
            assertEquals(
                    actual.score(Score.ROAD_LERF_AUC) - actual.score(Score.ROAD_MORF_AUC),
                    actual.score(Score.ROAD_SRG),
                    1e-9,
                    group);

            // Replicate 7's AOPC is the mean weighted by each image's Poisson weight in replicate 7.
            double weighted = 0;
            double weights = 0;
            for (int i = 0; i < results.size(); i++) {
                int w = bootstrap.weights("image-" + i)[7];
                weighted += w * results.get(i).curve(Curve.POSITIVE).aopc();
                weights += w;
            }
            assertEquals(weighted / weights, m.replicates().get(7).score(Score.AOPC), 1e-9, group);
        }
    }
}
