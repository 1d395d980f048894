package dev.tokentm.udfs.explain;

import static dev.tokentm.udfs.testing.Compare.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tokentm.udfs.model.TargetClasses;
import dev.tokentm.udfs.model.TraceRequest;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.model.VitConfig;
import dev.tokentm.udfs.model.VitTrace;
import dev.tokentm.udfs.testing.TestVits;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Prefix tokens beyond [CLS]: with four register tokens (timm's {@code reg_tokens}) every method keeps
 * the 4x4 patch grid, finite and per image (a method reading tokens from position 1 would see 19 and
 * fail to make the grid); the head maps read the [CLS] row past the registers. Without a classifier (a
 * DINO backbone) the output is the [CLS] features, the methods that need no class run, and every other
 * method is refused in one line.
 */
class PrefixTokensTest {

    private static final int REGISTERS = 4;
    private static final int[] TARGETS = {2, 0};
    private static NDManager manager;
    private static VisionTransformer registers;
    private static VisionTransformer backbone;
    private static NDArray images;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
        VitConfig withRegisters = registerConfig();
        registers = TestVits.random(withRegisters, 41, 0.3, DataType.FLOAT64);
        backbone = TestVits.random(withRegisters.toBuilder().numClasses(0).build(), 42, 0.3, DataType.FLOAT64);
        images = TestVits.images(manager, withRegisters, TARGETS.length, 5, DataType.FLOAT64);
    }

    @AfterAll
    static void tearDown() {
        registers.close();
        backbone.close();
        manager.close();
    }

    /** Every method, ViT Shapley with an explainer for the register model. */
    static List<String> methods() {
        try (VisionTransformer same = TestVits.random(registerConfig(), 41, 0.3, DataType.FLOAT64)) {
            String vitShapley = "vit-shapley(explainer=" + TestVits.vitShapleyFile(same, 6) + ")";
            return ExplainersTest.methods().stream()
                    .map(n -> n.startsWith("vit-shapley") ? vitShapley : n)
                    .toList();
        }
    }

    private static VitConfig registerConfig() {
        return TestVits.smallGrid(3).toBuilder().registerTokens(REGISTERS).build();
    }

    @ParameterizedTest
    @MethodSource("methods")
    void registerTokensKeepThePatchGrid(String name) {
        Explainer explainer = ExplainerRegistry.get(name);
        explainer.checkModel(registers.config());
        NDArray heatmaps = explainer.explain(registers, images, TargetClasses.of(TARGETS));
        long side = explainer.pixelResolution() ? registers.config().imageSize() : 4;
        assertArrayEquals(new long[] {2, side, side}, heatmaps.getShape().getShape(), name);
        for (double v : heatmaps.toDoubleArray()) {
            assertTrue(Double.isFinite(v), name + " produced " + v);
        }
        assertTrue(heatmaps.abs().sum().getDouble() > 0, name + " produced an all-zero heatmap");
        NDArray second = explainer.explain(registers, images.get("1:2"), TargetClasses.of(TARGETS[1]));
        assertClose(heatmaps.get(1), second.get(0), 1e-9, name + ": the batch's second image alone");
    }

    /** Each head's map is the attention's [CLS] row at the patch columns, after [CLS] and the registers. */
    @Test
    void headMapsReadTheClsRowPastTheRegisters() {
        VitConfig c = registers.config();
        try (VitTrace trace = registers.trace(images, TraceRequest.values())) {
            double[] last = trace.block(c.depth() - 1).attention().toDoubleArray(); // [B, H, N, N]
            int n = c.numTokens();
            NDArray mean = null;
            for (int h = 0; h < c.numHeads(); h++) {
                NDArray map = new HeadAttention(h, -1).explain(registers, images, TargetClasses.predicted());
                double[] v = map.toDoubleArray();
                for (int b = 0; b < TARGETS.length; b++) {
                    for (int p = 0; p < c.numPatches(); p++) {
                        double expected = last[((b * c.numHeads() + h) * n) * n + 1 + REGISTERS + p];
                        assertEquals(expected, v[b * c.numPatches() + p], 0, "image " + b + " head " + h);
                    }
                }
                mean = mean == null ? map : mean.add(map);
            }
            NDArray raw = new RawAttention().explain(registers, images, TargetClasses.predicted());
            assertClose(raw, mean.div(c.numHeads()), 1e-12, "raw attention is the heads' mean");
            double[] first = new HeadAttention(1, 0)
                    .explain(registers, images, TargetClasses.predicted())
                    .toDoubleArray();
            double[] block0 = trace.block(0).attention().toDoubleArray();
            assertEquals(block0[(c.numHeads() + 1) * n * n + 1 + REGISTERS], first[c.numPatches()], 0);
        }
    }

    @Test
    void aBackboneGivesItsClsFeaturesAndRunsTheMethodsThatNeedNoClass() {
        VitConfig c = backbone.config();
        assertTrue(!c.hasClassifier());
        NDArray features = backbone.logits(images);
        assertArrayEquals(new long[] {2, c.embedDim()}, features.getShape().getShape());
        List<String> free = ExplainerRegistry.classIndependent();
        assertTrue(free.containsAll(List.of("raw-attention", "rollout", "attention-flow", "evit", "head-attention")));
        for (String name : ExplainersTest.methods()) {
            Explainer explainer = ExplainerRegistry.get(name);
            if (!free.contains(name)) {
                String refused = assertThrows(IllegalArgumentException.class, () -> explainer.checkModel(c))
                        .getMessage();
                assertTrue(refused.contains("has no classifier") && !refused.contains("\n"), refused);
                continue;
            }
            explainer.checkModel(c);
            NDArray maps = explainer.explain(backbone, images, TargetClasses.predicted());
            assertArrayEquals(new long[] {2, 4, 4}, maps.getShape().getShape(), name);
            assertTrue(maps.abs().sum().getDouble() > 0, name);
        }
        Evit evit = new Evit();
        try (ExplainContext context = new ExplainContext(backbone, images, TargetClasses.predicted(), List.of(evit))) {
            evit.explain(context);
            assertEquals(null, context.predictions(evit.name()), "a backbone predicts no class");
        }
    }

    @Test
    void headsAndBlocksBeyondTheModelAreRefusedInOneLine() {
        VitConfig c = registers.config();
        String head = assertThrows(IllegalArgumentException.class, () -> ExplainerRegistry.get("head-attention(head=2)")
                        .checkModel(c))
                .getMessage();
        assertEquals("method 'head-attention(head=2)': head 2 is beyond the model's 2 heads (0 to 1)", head);
        String block = assertThrows(
                        IllegalArgumentException.class,
                        () -> ExplainerRegistry.get("head-attention(block=-4)").checkModel(c))
                .getMessage();
        assertTrue(block.contains("block -4 is beyond the model's 3 blocks"), block);
        ExplainerRegistry.get("head-attention(head=1,block=-3)").checkModel(c);
    }
}
