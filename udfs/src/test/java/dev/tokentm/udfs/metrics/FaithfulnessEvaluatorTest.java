package dev.tokentm.udfs.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tokentm.udfs.explain.Explainer;
import dev.tokentm.udfs.explain.ExplainerRegistry;
import dev.tokentm.udfs.explain.Gae;
import dev.tokentm.udfs.explain.TokenTm;
import dev.tokentm.udfs.model.TargetClasses;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.model.VitConfig;
import dev.tokentm.udfs.testing.TestVits;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The evaluator on a random model: every method's heatmaps and curves for the explained classes,
 * masks where given; predicted and label targets in one call reuse the first's work where the
 * class is the same and for class-independent methods, bit for bit what each target alone gives
 * (TokenTM on the one image whose label differs within 1e-5, recomputed as a sub-batch), with the
 * forward passes counted: 4 + 2·19·4 + 1 + 19 instead of 2·(4 + 2·19·4); maps at pixel resolution
 * are kept and measured at the pixels.
 */
class FaithfulnessEvaluatorTest {

    @Test
    void explainsEveryImageWithEveryMethodAndMeasuresIt() {
        VitConfig config = TestVits.smallGrid(2);
        try (VisionTransformer model = TestVits.random(config, 2, 0.3, DataType.FLOAT32);
                NDManager manager = NDManager.newBaseManager()) {
            Random r = new Random(1);
            float[] pixels = new float[3 * 3 * 16 * 16];
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = r.nextFloat();
            }
            NDArray raw = manager.create(pixels, new Shape(3, 3, 16, 16));
            int[] labels = {2, -1, 0};
            boolean[] object = new boolean[16 * 16];
            Arrays.fill(object, 0, 64, true);
            List<ObjectMask> masks =
                    Arrays.asList(new ObjectMask(object, 16, 16), null, new ObjectMask(object, 16, 16));
            List<Explainer> methods = List.of(new TokenTm(), new Gae());
            FaithfulnessEvaluator evaluator = new FaithfulnessEvaluator(PerturbationProtocol.published());

            List<ImageResult> byLabel =
                    evaluator.evaluate(model, raw, facts(labels, masks, new long[3]), methods, TargetMode.LABEL);
            assertEquals(6, byLabel.size());
            int[] predicted = TargetClasses.predicted()
                    .select(model.logits(config.preprocessing().normalize(raw)));
            for (ImageResult result : byLabel) {
                int b = result.index();
                int expectedClass = labels[b] >= 0 ? labels[b] : predicted[b];
                assertEquals(
                        expectedClass, result.curve(Curve.POSITIVE).explainedClass(), result.method() + " image " + b);
                assertEquals(expectedClass, result.curve(Curve.NEGATIVE).explainedClass());
                assertEquals(16, result.heatmap().length);
                assertEquals(4, result.height());
                assertEquals(4, result.width());
                assertEquals(10, result.curve(Curve.POSITIVE).fractions().length);
                if (masks.get(b) == null) {
                    assertNull(result.segmentation());
                } else {
                    assertNotNull(result.segmentation());
                    assertEquals(256, result.segmentation().labeled());
                }
            }
            // The heatmaps are the explainers' own, for the same classes.
            NDArray direct = new Gae()
                    .explain(
                            model,
                            config.preprocessing().normalize(raw),
                            TargetClasses.of(labels[0], predicted[1], labels[2]));
            ImageResult gae0 = byLabel.stream()
                    .filter(x -> x.method().equals("gae") && x.index() == 0)
                    .findFirst()
                    .orElseThrow();
            assertArrayEquals(direct.get(0).toFloatArray(), gae0.heatmap(), 1e-6f);

            int callerArrays = manager.getManagedArrays().size();
            List<ImageResult> byPrediction =
                    evaluator.evaluate(model, raw, facts(labels, masks, new long[3]), methods, TargetMode.PREDICTED);
            assertEquals(callerArrays, manager.getManagedArrays().size(), "arrays left in the caller's manager");
            for (ImageResult result : byPrediction) {
                assertEquals(
                        predicted[result.index()], result.curve(Curve.POSITIVE).explainedClass());
                assertEquals(TargetMode.PREDICTED, result.target());
            }
        }
    }

    /**
     * Predicted and label targets in one call: where the label is the prediction, and for
     * class-independent methods, the label rows come from the predicted rows' model work, bit for bit
     * what computing them again gives, with fewer forward passes (counted).
     */
    @Test
    void furtherTargetsReuseIdenticalModelWorkBitForBit() {
        VitConfig config = TestVits.smallGrid(2);
        try (VisionTransformer model = TestVits.random(config, 2, 0.3, DataType.FLOAT32);
                NDManager manager = NDManager.newBaseManager()) {
            NDArray raw = manager.randomUniform(0, 1, new Shape(4, 3, 16, 16));
            int[] predicted = TargetClasses.predicted()
                    .select(model.logits(config.preprocessing().normalize(raw)));
            int classes = config.numClasses();
            // Images 0 and 2 labelled as predicted, image 1 otherwise, image 3 unlabelled (explained as predicted).
            int[] labels = {predicted[0], (predicted[1] + 1) % classes, predicted[2], -1};
            boolean[] object = new boolean[16 * 16];
            Arrays.fill(object, 0, 64, true);
            List<ObjectMask> masks = Arrays.asList(new ObjectMask(object, 16, 16), null, null, null);
            List<Explainer> methods = List.of(new TokenTm(), ExplainerRegistry.get("rollout"));
            FaithfulnessEvaluator evaluator = new FaithfulnessEvaluator(
                    PerturbationProtocol.published(), java.util.EnumSet.of(Protocol.ZERO, Protocol.ROAD));
            long[] seeds = {11, 12, 13, 14};

            long before = model.passes().forward();
            List<ImageResult> both = evaluator.evaluate(
                    model, raw, facts(labels, masks, seeds), methods, List.of(TargetMode.PREDICTED, TargetMode.LABEL));
            long reused = model.passes().forward() - before;
            List<ImageResult> alone =
                    evaluator.evaluate(model, raw, facts(labels, masks, seeds), methods, TargetMode.LABEL);
            long separately = model.passes().forward() - before - reused;

            int perImage = PerturbationPlan.of(
                            java.util.EnumSet.of(Protocol.ZERO, Protocol.ROAD), PerturbationProtocol.published())
                    .forwardsPerImage();
            // Predicted: one trace and both methods' passes for 4 images; label: TokenTM again on image 1 only.
            assertEquals(4 + 2 * perImage * 4 + 1 + perImage, reused);
            assertEquals(4 + 2 * perImage * 4, separately);

            assertEquals(16, both.size());
            for (ImageResult byLabel : both.subList(8, 16)) {
                ImageResult expected = alone.stream()
                        .filter(a -> a.method().equals(byLabel.method()) && a.index() == byLabel.index())
                        .findFirst()
                        .orElseThrow();
                assertEquals(TargetMode.LABEL, byLabel.target());
                String what = byLabel.method() + " image " + byLabel.index();
                boolean sameWork = byLabel.index() != 1 || byLabel.method().equals("rollout");
                assertSameResult(expected, byLabel, sameWork ? 0 : 1e-5, what);
            }
        }
    }

    /** Each image's label, mask and seed. */
    private static List<ImageFacts> facts(int[] labels, List<ObjectMask> masks, long[] seeds) {
        List<ImageFacts> facts = new java.util.ArrayList<>();
        for (int b = 0; b < labels.length; b++) {
            facts.add(new ImageFacts(labels[b], masks.get(b), seeds[b]));
        }
        return facts;
    }

    /** Every number of two results equal within {@code tolerance} (0: bit for bit), the cost aside. */
    private static void assertSameResult(ImageResult expected, ImageResult actual, double tolerance, String what) {
        assertEquals(expected.explainedClass(), actual.explainedClass(), what);
        assertEquals(expected.predicted(), actual.predicted(), what);
        assertArrayEquals(expected.heatmap(), actual.heatmap(), (float) tolerance, what + " heatmap");
        assertEquals(expected.segmentation(), actual.segmentation(), what + " segmentation");
        PerturbationCurve[][] curves = {
            {expected.curve(Curve.POSITIVE), actual.curve(Curve.POSITIVE)},
            {expected.curve(Curve.NEGATIVE), actual.curve(Curve.NEGATIVE)},
            {expected.curve(Curve.DELETION), actual.curve(Curve.DELETION)},
            {expected.curve(Curve.ROAD_MORF), actual.curve(Curve.ROAD_MORF)},
            {expected.curve(Curve.ROAD_LERF), actual.curve(Curve.ROAD_LERF)}
        };
        for (PerturbationCurve[] pair : curves) {
            assertArrayEquals(pair[0].explainedLogit(), pair[1].explainedLogit(), (float) tolerance, what);
            assertArrayEquals(pair[0].topLogit(), pair[1].topLogit(), (float) tolerance, what);
            assertArrayEquals(pair[0].labelLogOdds(), pair[1].labelLogOdds(), (float) tolerance, what);
            assertArrayEquals(pair[0].correct(), pair[1].correct(), what);
        }
    }

    @Test
    void pixelResolutionMapsAreKeptAtThePixelsAndMeasuredThere() {
        VitConfig config = TestVits.smallGrid(2);
        try (VisionTransformer model = TestVits.random(config, 2, 0.3, DataType.FLOAT32);
                NDManager manager = NDManager.newBaseManager()) {
            NDArray raw = manager.randomUniform(0, 1, new Shape(2, 3, 16, 16));
            boolean[] object = new boolean[16 * 16];
            Arrays.fill(object, 0, 64, true);
            List<ObjectMask> masks = Arrays.asList(new ObjectMask(object, 16, 16), null);
            List<Explainer> methods = List.of(
                    ExplainerRegistry.get("integrated-gradients(steps=4)"),
                    ExplainerRegistry.get("integrated-gradients(steps=4,resolution=patch)"),
                    ExplainerRegistry.get("shapley(exact=false,samples=16)"));
            List<ImageResult> results = new FaithfulnessEvaluator(PerturbationProtocol.published())
                    .evaluate(model, raw, facts(new int[] {1, 0}, masks, new long[2]), methods, TargetMode.LABEL);
            ImageResult pixels = results.get(0);
            ImageResult patches = results.get(2);
            ImageResult sampled = results.get(4);
            assertEquals("shapley(exact=false,samples=16)", sampled.method());
            assertTrue(sampled.heatmapError() > 0, "sampled Shapley states its error");
            assertNull(pixels.heatmapError(), "integrated gradients are computed exactly");
            assertEquals("integrated-gradients(steps=4)", pixels.method());
            assertEquals("integrated-gradients(steps=4,resolution=patch)", patches.method());
            assertEquals(16, pixels.height());
            assertEquals(16, pixels.width());
            assertEquals(256, pixels.heatmap().length);
            assertEquals(4, patches.height());
            assertEquals(256, pixels.segmentation().labeled());
            float[] sums = new float[16];
            for (int y = 0; y < 16; y++) {
                for (int x = 0; x < 16; x++) {
                    sums[(y / 4) * 4 + x / 4] += pixels.heatmap()[y * 16 + x];
                }
            }
            assertArrayEquals(patches.heatmap(), sums, 1e-5f);
            assertNotNull(pixels.curve(Curve.POSITIVE));
        }
    }
}
