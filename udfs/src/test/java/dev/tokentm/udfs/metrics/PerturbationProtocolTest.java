package dev.tokentm.udfs.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.model.VitConfig;
import dev.tokentm.udfs.testing.TestVits;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The perturbation test against images perturbed and normalized by hand in the test: deletion
 * ending at the all-zero image, insertion running from the blurred image through partly revealed
 * ones (built by hand) to the image, ROAD giving an image the same curve alone as in a batch.
 */
class PerturbationProtocolTest {

    private static final int SIDE = 16;
    private static final int PIXELS = SIDE * SIDE;
    private static NDManager manager;
    private static VisionTransformer model;
    private static float[] raw;
    private static NDArray images;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
        model = TestVits.random(
                VitConfig.builder()
                        .imageSize(SIDE)
                        .patchSize(8)
                        .embedDim(12)
                        .depth(2)
                        .numHeads(2)
                        .numClasses(3)
                        .build(),
                13,
                0.3,
                DataType.FLOAT32);
        Random r = new Random(3);
        raw = new float[2 * 3 * PIXELS];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = r.nextFloat();
        }
        images = manager.create(raw, new Shape(2, 3, SIDE, SIDE));
    }

    @AfterAll
    static void tearDown() {
        model.close();
        manager.close();
    }

    /** Relevance = pixel index, at pixel resolution (upsampling is then the identity). */
    private static NDArray indexHeatmaps() {
        float[] h = new float[2 * PIXELS];
        for (int i = 0; i < h.length; i++) {
            h[i] = i % PIXELS;
        }
        return manager.create(h, new Shape(2, SIDE, SIDE));
    }

    /** The model's logits for image b with pixels [from, to) set to 0, normalized by hand. */
    private static float[] logitsWithout(int b, int from, int to) {
        double[] mean = model.config().preprocessing().mean();
        double[] std = model.config().preprocessing().std();
        float[] x = new float[3 * PIXELS];
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < PIXELS; p++) {
                float v = p >= from && p < to ? 0 : raw[(b * 3 + c) * PIXELS + p];
                x[c * PIXELS + p] = (float) ((v - mean[c]) / std[c]);
            }
        }
        return model.logits(manager.create(x, new Shape(1, 3, SIDE, SIDE))).toFloatArray();
    }

    private static float max(float[] z) {
        float m = z[0];
        for (float v : z) {
            m = Math.max(m, v);
        }
        return m;
    }

    @Test
    void removesTheMostOrLeastRelevantPixelsAndClassifiesTheRest() {
        PerturbationProtocol test = new PerturbationProtocol(new double[] {0.25, 0.5}, 64);
        int[] labels = {1, -1};
        int[] explained = {2, 0};
        List<PerturbationCurve> positive =
                test.run(model, images, indexHeatmaps(), labels, explained, PixelOrder.POSITIVE);
        List<PerturbationCurve> negative =
                test.run(model, images, indexHeatmaps(), labels, explained, PixelOrder.NEGATIVE);
        for (int b = 0; b < 2; b++) {
            float[] z0 = logitsWithout(b, 0, 0);
            float[] zPos = logitsWithout(b, PIXELS - 64, PIXELS); // 25%: the 64 highest-index pixels
            float[] zNeg = logitsWithout(b, 0, 128); // 50% least relevant: the 128 lowest
            assertArrayEquals(new double[] {0, 0.25, 0.5}, positive.get(b).fractions());
            assertEquals(max(z0), positive.get(b).topLogit()[0], 1e-4);
            assertEquals(z0[explained[b]], positive.get(b).explainedLogit()[0], 1e-4);
            assertEquals(zPos[explained[b]], positive.get(b).explainedLogit()[1], 1e-4);
            assertEquals(max(zPos), positive.get(b).topLogit()[1], 1e-4);
            assertEquals(zNeg[explained[b]], negative.get(b).explainedLogit()[2], 1e-4);
        }
        // image 1 is unlabelled: never correct, no label log-odds
        assertFalse(positive.get(1).correct()[0]);
        assertTrue(Float.isNaN(positive.get(1).labelLogOdds()[0]));
    }

    @Test
    void labelLogOddsAreAgainstTheSecondHighestProbability() {
        PerturbationProtocol test = new PerturbationProtocol(new double[] {0.5}, 64);
        PerturbationCurve c = test.run(
                        model, images, indexHeatmaps(), new int[] {0, 1}, new int[] {0, 1}, PixelOrder.POSITIVE)
                .get(0);
        float[] z = logitsWithout(0, 0, 0);
        float[] sorted = z.clone();
        java.util.Arrays.sort(sorted);
        double second = sorted[sorted.length - 2];
        double[] p = softmax(z);
        double pSecond = softmax(z)[indexOf(z, (float) second)];
        assertEquals(Math.log(p[0] / pSecond), c.labelLogOdds()[0], 1e-4);
        assertEquals(max(z) == z[0], c.correct()[0]);
        assertEquals(p[indexOf(z, max(z))], c.topProbability()[0], 1e-5);
        assertEquals(Math.log(p[0]), c.explainedLogProbability()[0], 1e-5);
    }

    @Test
    void constantHeatmapsRemovePixelsInIndexOrderForBothOrders() {
        PerturbationProtocol test = new PerturbationProtocol(PerturbationProtocol.PUBLISHED_STEPS, 64);
        NDArray constant = manager.ones(new Shape(2, 2, 2));
        List<PerturbationCurve> pos =
                test.run(model, images, constant, new int[] {0, 1}, new int[] {0, 1}, PixelOrder.POSITIVE);
        List<PerturbationCurve> neg =
                test.run(model, images, constant, new int[] {0, 1}, new int[] {0, 1}, PixelOrder.NEGATIVE);
        for (int b = 0; b < 2; b++) {
            assertArrayEquals(pos.get(b).explainedLogit(), neg.get(b).explainedLogit());
        }
        float[] firstTenPercent = logitsWithout(0, 0, (int) Math.floor(PIXELS * 0.1));
        assertEquals(firstTenPercent[0], pos.get(0).explainedLogit()[1], 1e-4);
    }

    @Test
    void passesGroupedByMaxBatchGiveTheSameCurves() {
        List<PerturbationCurve> one = new PerturbationProtocol(PerturbationProtocol.PUBLISHED_STEPS, 1)
                .run(model, images, indexHeatmaps(), new int[] {1, 2}, new int[] {1, 2}, PixelOrder.POSITIVE);
        List<PerturbationCurve> many = new PerturbationProtocol(PerturbationProtocol.PUBLISHED_STEPS, 64)
                .run(model, images, indexHeatmaps(), new int[] {1, 2}, new int[] {1, 2}, PixelOrder.POSITIVE);
        for (int b = 0; b < 2; b++) {
            assertArrayEquals(one.get(b).explainedLogit(), many.get(b).explainedLogit(), 1e-4f);
        }
    }

    @Test
    void knownUnperturbedLogitsReplaceStepZeroOnly() {
        PerturbationProtocol test = PerturbationProtocol.published();
        List<PerturbationCurve> computed =
                test.run(model, images, indexHeatmaps(), new int[] {1, 2}, new int[] {1, 2}, PixelOrder.NEGATIVE);
        // Marker logits: step 0 must come from them, every later step from the model as before.
        float[][] given = {{5f, -1f, 0f}, {0f, 0f, 7f}};
        List<PerturbationCurve> reused = test.run(
                model, images, indexHeatmaps(), new int[] {1, 2}, new int[] {1, 2}, PixelOrder.NEGATIVE, given);
        for (int b = 0; b < 2; b++) {
            assertEquals(b == 0 ? -1f : 7f, reused.get(b).explainedLogit()[0], 0f);
            float[] expected = computed.get(b).explainedLogit();
            float[] actual = reused.get(b).explainedLogit();
            assertArrayEquals(
                    java.util.Arrays.copyOfRange(expected, 1, expected.length),
                    java.util.Arrays.copyOfRange(actual, 1, actual.length),
                    0f);
        }
        assertThrows(
                IllegalArgumentException.class,
                () -> test.run(
                        model,
                        images,
                        indexHeatmaps(),
                        new int[] {1, 2},
                        new int[] {1, 2},
                        PixelOrder.NEGATIVE,
                        new float[][] {{1f, 2f, 3f}}));
    }

    /** The model's logits for image b after {@code perturb} edits its [0,1] pixels, normalized by hand. */
    private static float[] logitsOf(float[] image) {
        double[] mean = model.config().preprocessing().mean();
        double[] std = model.config().preprocessing().std();
        float[] x = new float[3 * PIXELS];
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < PIXELS; p++) {
                x[c * PIXELS + p] = (float) ((image[c * PIXELS + p] - mean[c]) / std[c]);
            }
        }
        return model.logits(manager.create(x, new Shape(1, 3, SIDE, SIDE))).toFloatArray();
    }

    private static double logSoftmax(float[] z, int c) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : z) {
            sum += Math.exp(v - max);
        }
        return z[c] - max - Math.log(sum);
    }

    @Test
    void deletionEndsAtTheAllZeroImageAndInsertionRunsFromTheBlurredImageToTheImage() {
        PerturbationProtocol test = new PerturbationProtocol(new double[] {0.25, 0.5}, 64);
        int[] labels = {1, 2};
        int[] explained = {2, 0};
        long[] seeds = {1, 2};
        List<PerturbationCurve> deletion =
                test.run(model, images, indexHeatmaps(), labels, explained, Perturbation.deletion(), null, seeds);
        GaussianBlur blur = GaussianBlur.rise();
        List<PerturbationCurve> insertion =
                test.run(model, images, indexHeatmaps(), labels, explained, Perturbation.insertion(blur), null, seeds);
        float[] blurred = blur.blur(images).toFloatArray();
        for (int b = 0; b < 2; b++) {
            assertArrayEquals(new double[] {0, 0.25, 0.5, 1}, deletion.get(b).fractions());
            assertEquals(
                    logSoftmax(logitsOf(new float[3 * PIXELS]), explained[b]),
                    deletion.get(b).explainedLogProbability()[3],
                    1e-4);
            float[] image = java.util.Arrays.copyOfRange(raw, b * 3 * PIXELS, (b + 1) * 3 * PIXELS);
            float[] blurredImage = java.util.Arrays.copyOfRange(blurred, b * 3 * PIXELS, (b + 1) * 3 * PIXELS);
            assertEquals(
                    logSoftmax(logitsOf(blurredImage), explained[b]),
                    insertion.get(b).explainedLogProbability()[0],
                    1e-4);
            assertEquals(
                    logSoftmax(logitsOf(image), explained[b]), insertion.get(b).explainedLogProbability()[3], 1e-4);
            // 25% revealed: the 64 most relevant pixels (the highest indices) are the image's, the rest blurred.
            float[] quarter = blurredImage.clone();
            for (int c = 0; c < 3; c++) {
                for (int p = PIXELS - 64; p < PIXELS; p++) {
                    quarter[c * PIXELS + p] = image[c * PIXELS + p];
                }
            }
            assertEquals(
                    logSoftmax(logitsOf(quarter), explained[b]),
                    insertion.get(b).explainedLogProbability()[1],
                    1e-4);
        }
    }

    @Test
    void roadImputesRemovedPixelsReproduciblyPerImage() {
        PerturbationProtocol test = new PerturbationProtocol(new double[] {0.5}, 64);
        NoisyLinearImputer road = new NoisyLinearImputer(0.01, 1e-6, 500);
        Perturbation morf = Perturbation.remove(PixelOrder.POSITIVE, road);
        List<PerturbationCurve> both = test.run(
                model, images, indexHeatmaps(), new int[] {1, 2}, new int[] {1, 2}, morf, null, new long[] {5, 6});
        // Image 1 alone, with its own seed: the same curve (noise is per image, not per batch).
        NDArray second = images.get("1:2");
        List<PerturbationCurve> alone = test.run(
                model, second, indexHeatmaps().get("1:2"), new int[] {2}, new int[] {2}, morf, null, new long[] {6});
        assertArrayEquals(both.get(1).explainedLogit(), alone.get(0).explainedLogit(), 1e-4f);
        // ROAD's image differs from zeroing's.
        List<PerturbationCurve> zero =
                test.run(model, images, indexHeatmaps(), new int[] {1, 2}, new int[] {1, 2}, PixelOrder.POSITIVE);
        assertTrue(Math.abs(zero.get(0).explainedLogit()[1] - both.get(0).explainedLogit()[1]) > 1e-4);
    }

    @Test
    void refusesBadSteps() {
        assertThrows(IllegalArgumentException.class, () -> new PerturbationProtocol(new double[] {0.5, 0.2}, 8));
        assertThrows(IllegalArgumentException.class, () -> new PerturbationProtocol(new double[] {0.5, 1.5}, 8));
        assertThrows(IllegalArgumentException.class, () -> new PerturbationProtocol(new double[0], 8));
        IllegalArgumentException counts =
                assertThrows(IllegalArgumentException.class, () -> PerturbationProtocol.published()
                        .run(model, images, indexHeatmaps(), new int[] {1}, new int[] {1, 2}, PixelOrder.POSITIVE));
        assertTrue(
                counts.getMessage().contains("one heatmap, label, explained class and seed per image"),
                counts.getMessage());
    }

    private static double[] softmax(float[] z) {
        double m = max(z);
        double sum = 0;
        double[] p = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            p[i] = Math.exp(z[i] - m);
            sum += p[i];
        }
        for (int i = 0; i < z.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    private static int indexOf(float[] z, float v) {
        for (int i = 0; i < z.length; i++) {
            if (z[i] == v) {
                return i;
            }
        }
        throw new IllegalArgumentException();
    }
}
