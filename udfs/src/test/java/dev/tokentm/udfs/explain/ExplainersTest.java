package dev.tokentm.udfs.explain;

import static dev.tokentm.udfs.testing.Compare.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tokentm.udfs.model.ClassScore;
import dev.tokentm.udfs.model.GradientRules;
import dev.tokentm.udfs.model.TargetClasses;
import dev.tokentm.udfs.model.TracePoint;
import dev.tokentm.udfs.model.TraceRequest;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.model.VitConfig;
import dev.tokentm.udfs.model.VitTrace;
import dev.tokentm.udfs.testing.Compare;
import dev.tokentm.udfs.testing.TestVits;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Properties every registered method must have, on a random model with a 4x4 patch grid: grid (or
 * pixel) shape and finite values, batch = per image (ViT and DeiT), no arrays left in the model's
 * or the caller's NDManager, heatmaps unchanged after garbage collections; the methods that say
 * they are class-independent (raw attention, rollout, attention flow, {@code
 * tokentm(gradient=none)}) give the same map bit for bit for any class and every other method's
 * map depends on it; one shared trace per class score (logit, probability) serves all methods.
 */
class ExplainersTest {

    private static final int[] TARGETS = {2, 0, 1};
    private static NDManager manager;
    private static VisionTransformer model;
    private static NDArray images;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
        model = TestVits.random(TestVits.smallGrid(3), 31, 0.3, DataType.FLOAT64);
        images = TestVits.images(manager, model.config(), TARGETS.length, 4, DataType.FLOAT64);
    }

    @AfterAll
    static void tearDown() {
        model.close();
        manager.close();
    }

    /**
     * Every registered method; Shapley sampled (enumerating this 16-patch grid is 65,536 passes per
     * image; ShapleyTest covers it on the reference model).
     */
    static List<String> methods() {
        return java.util.stream.Stream.concat(ExplainerRegistry.names().stream(), VARIANTS.stream())
                .map(n -> n.equals("shapley") ? "shapley(exact=false,samples=16)" : n)
                .map(n -> n.equals("tis") ? "tis(masks=8)" : n)
                .map(n -> n.equals("vit-shapley") ? vitShapley() : n)
                .toList();
    }

    /** Variants whose rules differ from their method's default in more than a parameter's value. */
    private static final List<String> VARIANTS = List.of("attnlrp(variant=cp,resolution=patch)");

    private static String vitShapley;

    /** ViT Shapley with an explainer file for this class's model (its weights, a random head). */
    private static synchronized String vitShapley() {
        if (vitShapley == null) {
            try (VisionTransformer same = TestVits.random(TestVits.smallGrid(3), 31, 0.3, DataType.FLOAT64)) {
                vitShapley = "vit-shapley(explainer=" + TestVits.vitShapleyFile(same, 5) + ")";
            }
        }
        return vitShapley;
    }

    @ParameterizedTest
    @MethodSource("methods")
    void heatmapsCoverThePatchGridOrThePixelsAndAreFinite(String name) {
        Explainer explainer = ExplainerRegistry.get(name);
        NDArray heatmaps = explainer.explain(model, images, TargetClasses.of(TARGETS));
        long side = explainer.pixelResolution() ? model.config().imageSize() : 4;
        assertArrayEquals(new long[] {3, side, side}, heatmaps.getShape().getShape(), name);
        for (double v : heatmaps.toDoubleArray()) {
            assertTrue(Double.isFinite(v), name + " produced " + v);
        }
        assertTrue(heatmaps.abs().sum().getDouble() > 0, name + " produced an all-zero heatmap");
    }

    @ParameterizedTest
    @MethodSource("methods")
    void batchResultsEqualPerImageResults(String name) {
        Explainer explainer = ExplainerRegistry.get(name);
        NDArray batch = explainer.explain(model, images, TargetClasses.of(TARGETS));
        for (int i = 0; i < TARGETS.length; i++) {
            NDArray one = explainer.explain(model, images.get(i + ":" + (i + 1)), TargetClasses.of(TARGETS[i]));
            assertClose(batch.get(i), one.get(0), 1e-9, name + " image " + i);
        }
    }

    /**
     * Heatmaps own their memory: one built from Java data and returned as a view of it once read
     * freed memory after the garbage collector reclaimed the data (AttentionFlow, seen in CI).
     */
    @ParameterizedTest
    @MethodSource("methods")
    void heatmapsSurviveGarbageCollection(String name) throws InterruptedException {
        NDArray heatmaps = ExplainerRegistry.get(name).explain(model, images, TargetClasses.of(TARGETS));
        double[] before = heatmaps.toDoubleArray();
        for (int i = 0; i < 3; i++) {
            ExplainerRegistry.get(name)
                    .explain(model, images, TargetClasses.of(TARGETS))
                    .close();
            System.gc();
            Thread.sleep(20);
        }
        assertArrayEquals(before, heatmaps.toDoubleArray(), 0, name);
        heatmaps.close();
    }

    @ParameterizedTest
    @MethodSource("methods")
    void leavesNoArraysInTheModelOrTheCaller(String name) {
        Explainer explainer = ExplainerRegistry.get(name);
        NDManager weights = model.parameters().get("cls_token").getManager();
        explainer.explain(model, images, TargetClasses.of(TARGETS)).close();
        int weightArrays = weights.getManagedArrays().size();
        int callerArrays = manager.getManagedArrays().size();
        for (int i = 0; i < 3; i++) {
            explainer.explain(model, images, TargetClasses.of(TARGETS)).close();
        }
        assertEquals(weightArrays, weights.getManagedArrays().size(), name + " left arrays in the model's manager");
        assertEquals(callerArrays, manager.getManagedArrays().size(), name + " left arrays in the caller's manager");
    }

    @ParameterizedTest
    @MethodSource("methods")
    void deitModelsWithADistillationTokenGetPatchOnlyHeatmaps(String name) {
        org.junit.jupiter.api.Assumptions.assumeFalse(
                name.startsWith("vit-shapley"), "a ViT Shapley explainer is trained for one model, not this DeiT");
        VitConfig deit =
                TestVits.smallGrid(2).toBuilder().distillationToken(true).build();
        try (VisionTransformer distilled = TestVits.random(deit, 5, 0.3, DataType.FLOAT64)) {
            Explainer explainer = ExplainerRegistry.get(name);
            NDArray batch = explainer.explain(distilled, images, TargetClasses.of(TARGETS));
            long side = explainer.pixelResolution() ? deit.imageSize() : 4;
            assertArrayEquals(new long[] {3, side, side}, batch.getShape().getShape(), name);
            NDArray one = explainer.explain(distilled, images.get("1:2"), TargetClasses.of(TARGETS[1]));
            // float64; AttCAT's signed sums cancel, so summation order shows at ~1e-9. Mixing
            // images would show at ~1.
            assertClose(batch.get(1), one.get(0), 1e-8, name + " on DeiT, image 1");
        }
    }

    @Test
    void sharedContextRunsEveryMethodOnOneTracePerClassScore() {
        try (ExplainContext context = new ExplainContext(model, images, TargetClasses.predicted())) {
            VitTrace logit = context.trace();
            VitTrace probability = context.trace(ClassScore.PROBABILITY);
            for (String name : methods()) {
                ExplainerRegistry.get(name).explain(context);
            }
            assertTrue(logit == context.trace(), "the shared trace was recomputed");
            assertTrue(probability == context.trace(ClassScore.PROBABILITY), "the probability trace was recomputed");
            assertTrue(logit != probability);
        }
    }

    /**
     * A method that says it is class-independent gives the same heatmaps, bit for bit, whatever the
     * class (the job then reuses one map and its perturbation passes for every target); every other
     * method's maps depend on the class.
     */
    @Test
    void classIndependentMethodsAreExactlyThoseWhoseMapsIgnoreTheClass() {
        List<String> independent = new java.util.ArrayList<>();
        for (String name : concat(methods(), List.of("tokentm(gradient=none)"))) {
            Explainer e = ExplainerRegistry.get(name);
            NDArray a = e.explain(model, images, TargetClasses.of(0, 0, 0));
            NDArray b = e.explain(model, images, TargetClasses.of(1, 1, 1));
            double diff = Compare.relativeL2(a, b);
            assertTrue(e.classIndependent() ? diff == 0 : diff > 1e-6, name + ": difference between classes " + diff);
            if (e.classIndependent()) {
                independent.add(name);
            }
        }
        assertEquals(
                List.of(
                        "raw-attention",
                        "rollout",
                        "attention-flow",
                        "evit",
                        "head-attention",
                        "tokentm(gradient=none)"),
                independent);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    @Test
    void conservativeLrpDiffersFromPlainGradientTimesInput() {
        NDArray conservative = new ConservativeLrp().explain(model, images, TargetClasses.of(TARGETS));
        try (VitTrace plain = model.trace(images, TraceRequest.withGradients(TargetClasses.of(TARGETS)))) {
            NDArray x = plain.block(0).input();
            NDArray gradientTimesInput = ClsRow.toGrid(
                    x.mul(plain.block(0).gradient(TracePoint.BLOCK_INPUT)).sum(new int[] {-1}), model.config());
            double diff = Compare.relativeL2(conservative, gradientTimesInput);
            assertTrue(diff > 1e-3, "detaching attention and LayerNorm scale changed nothing: " + diff);
        }
        GradientRules[] sets = {GradientRules.CONSERVATIVE, GradientRules.CP_LRP, GradientRules.ATTN_LRP};
        try (VitTrace plain = model.trace(images, TraceRequest.values())) {
            for (GradientRules set : sets) {
                try (VitTrace rules = model.trace(
                        images,
                        TraceRequest.under(
                                set, java.util.EnumSet.allOf(TracePoint.class), TargetClasses.of(TARGETS)))) {
                    // The rules' LayerNorm is written out, so it rounds differently from the fused one.
                    assertClose(rules.logits(), plain.logits(), 1e-12, set + " changed the forward values");
                }
            }
        }
    }

    /** TIS clusters the activation channels: more masks than channels, or a share that keeps no patch, is one line. */
    @Test
    void tisRefusesWhatItCannotCluster() {
        String many = assertThrows(IllegalArgumentException.class, () -> ExplainerRegistry.get("tis")
                        .explain(model, images, TargetClasses.of(TARGETS)))
                .getMessage();
        assertEquals(
                "method 'tis': 1024 masks need as many activation channels to cluster, and this model has 36 (depth 3"
                        + " × width 12): set masks to at most 36",
                many);
        String none = assertThrows(IllegalArgumentException.class, () -> ExplainerRegistry.get("tis(masks=4,keep=0.05)")
                        .checkModel(model.config()))
                .getMessage();
        assertTrue(none.contains("keeps none") && !none.contains("\n"), none);
        String bad = assertThrows(IllegalArgumentException.class, () -> ExplainerRegistry.get("tis(keep=2)"))
                .getMessage();
        assertTrue(bad.contains("'keep'"), bad);
    }

    @Test
    void registryNamesEveryMethodAndRejectsUnknownOnes() {
        assertEquals(
                List.of(
                        "tokentm",
                        "raw-attention",
                        "rollout",
                        "gae",
                        "attention-gradcam",
                        "transformer-attribution",
                        "lrp",
                        "attcat",
                        "grad-sam",
                        "integrated-gradients",
                        "gradcam",
                        "partial-lrp",
                        "full-lrp",
                        "bt-h",
                        "bt-t",
                        "attention-flow",
                        "shapley",
                        "atman",
                        "vit-cx",
                        "tokentm-libragrad",
                        "r-cut",
                        "evit",
                        "head-attention",
                        "vit-shapley",
                        "vit-reciprocam",
                        "legrad",
                        "attnlrp",
                        "tis"),
                ExplainerRegistry.names());
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ExplainerRegistry.get("gradcam-plus"));
        assertTrue(e.getMessage().contains("tokentm, raw-attention"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new AttentionRollout(-1));
        IllegalArgumentException late = assertThrows(IllegalArgumentException.class, () -> new AttentionRollout(5)
                .explain(model, images, TargetClasses.of(TARGETS)));
        assertTrue(late.getMessage().contains("beyond the model's 3 blocks"), late.getMessage());
    }
}
