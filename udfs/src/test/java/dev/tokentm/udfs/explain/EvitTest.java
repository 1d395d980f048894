package dev.tokentm.udfs.explain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tokentm.udfs.model.ForwardHook;
import dev.tokentm.udfs.model.TargetClasses;
import dev.tokentm.udfs.model.TracePoint;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.model.VitConfig;
import dev.tokentm.udfs.testing.TestVits;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * EViT as a view: no pruning is the model itself; pruning at the last block keeps the raw-attention
 * map's top patches and cannot change the logits; pruning without fusion equals the full model with the
 * dropped tokens removed from attention from the next block on.
 */
class EvitTest {

    private static final VitConfig CONFIG = TestVits.smallGrid(4); // 16 patches, 4 blocks

    @Test
    void keepingEveryTokenIsTheModelItself() {
        try (VisionTransformer model = TestVits.random(CONFIG, 3, 0.3, DataType.FLOAT64);
                NDManager manager = NDManager.newBaseManager()) {
            NDArray images = TestVits.images(manager, CONFIG, 2, 4, DataType.FLOAT64);
            Evit.Pruned pruned = new Evit(1.0, List.of(), true).prune(model, images, manager);
            assertArrayEquals(
                    model.logits(images).toDoubleArray(), pruned.logits().toDoubleArray(), 0);
            int stages = new Evit().blocksFor(CONFIG.depth()).size(); // the counts' largest value
            assertEquals(List.of(1, 2, 3), new Evit().blocksFor(CONFIG.depth()), "EViT's quarters of 4 blocks");
            for (float c : pruned.survivals().toType(DataType.FLOAT32, false).toFloatArray()) {
                assertEquals(stages, c);
            }
        }
    }

    @Test
    void pruningAtTheLastBlockKeepsTheTopOfTheLastAttentionAndTheLogits() {
        try (VisionTransformer model = TestVits.random(CONFIG, 5, 0.3, DataType.FLOAT64);
                NDManager manager = NDManager.newBaseManager()) {
            NDArray images = TestVits.images(manager, CONFIG, 3, 6, DataType.FLOAT64);
            Evit evit = new Evit(0.3, List.of(CONFIG.depth() - 1), true);
            Evit.Pruned pruned = evit.prune(model, images, manager);
            // After the last attention only [CLS] reaches the head, through a per-token MLP.
            assertArrayEquals(
                    model.logits(images).toDoubleArray(), pruned.logits().toDoubleArray(), 1e-12);
            float[] raw = new RawAttention()
                    .explain(model, images, TargetClasses.predicted())
                    .toType(DataType.FLOAT32, false)
                    .toFloatArray();
            float[] survived =
                    pruned.survivals().toType(DataType.FLOAT32, false).toFloatArray();
            int patches = CONFIG.numPatches();
            int keep = (int) Math.ceil(0.3 * patches);
            for (int b = 0; b < 3; b++) {
                float[] map = Arrays.copyOfRange(raw, b * patches, (b + 1) * patches);
                float[] sorted = map.clone();
                Arrays.sort(sorted);
                float threshold = sorted[patches - keep];
                int kept = 0;
                for (int p = 0; p < patches; p++) {
                    float s = survived[b * patches + p];
                    assertEquals(map[p] >= threshold ? 1 : 0, s, "image " + b + " patch " + p);
                    kept += (int) s;
                }
                assertEquals(keep, kept);
            }
        }
    }

    @Test
    void pruningWithoutFusionRemovesTheDroppedTokensFromLaterAttention() {
        try (VisionTransformer model = TestVits.random(CONFIG, 7, 0.3, DataType.FLOAT64);
                NDManager manager = NDManager.newBaseManager()) {
            NDArray images = TestVits.images(manager, CONFIG, 2, 8, DataType.FLOAT64);
            int block = 1;
            Evit.Pruned pruned = new Evit(0.5, List.of(block), false).prune(model, images, manager);
            float[] survived =
                    pruned.survivals().toType(DataType.FLOAT32, false).toFloatArray();
            int n = CONFIG.numTokens();
            int prefix = CONFIG.numPrefixTokens();
            double[] bias = new double[2 * n];
            for (int b = 0; b < 2; b++) {
                for (int p = 0; p < CONFIG.numPatches(); p++) {
                    bias[b * n + prefix + p] = survived[b * CONFIG.numPatches() + p] > 0 ? 0 : -1e300;
                }
            }
            NDArray keyBias = manager.create(bias, new Shape(2, 1, 1, n));
            ForwardHook masked =
                    (i, point, value) -> i > block && point == TracePoint.ATTENTION_SCORES ? value.add(keyBias) : value;
            NDArray expected = model.forward(images, masked);
            assertArrayEquals(expected.toDoubleArray(), pruned.logits().toDoubleArray(), 1e-12);
            Evit fused = new Evit(0.5, List.of(block), true);
            double difference = fused.prune(model, images, manager)
                    .logits()
                    .sub(pruned.logits())
                    .abs()
                    .max()
                    .getDouble();
            assertTrue(difference > 1e-6, "the fused token changes the logits: " + difference);
        }
    }

    @Test
    void everyStageKeepsItsShareAndTheCountsShowIt() {
        VitConfig config = TestVits.smallGrid(12);
        try (VisionTransformer model = TestVits.random(config, 9, 0.3, DataType.FLOAT32);
                NDManager manager = NDManager.newBaseManager()) {
            NDArray images = TestVits.images(manager, config, 2, 10, DataType.FLOAT32);
            Evit evit = new Evit();
            assertEquals(List.of(3, 6, 9), evit.blocksFor(12), "EViT's placement in DeiT-S");
            // 16 patches: ceil(0.7*16) = 12 kept, 12 + fused -> 10 kept, 10 + fused -> 8 kept.
            assertEquals(List.of(12, 10, 8), evit.keptPerStage(config.numPatches(), 12));
            try (ExplainContext context = new ExplainContext(model, images, TargetClasses.predicted(), List.of(evit))) {
                float[] counts = evit.explain(context).toFloatArray();
                assertNotNull(context.predictions(evit.name()), "the pruned model's classes are recorded");
                for (int b = 0; b < 2; b++) {
                    int[] atLeast = new int[4];
                    for (int p = 0; p < config.numPatches(); p++) {
                        for (int s = 0; s <= (int) counts[b * config.numPatches() + p]; s++) {
                            atLeast[s]++;
                        }
                    }
                    assertEquals(12, atLeast[1], "first stage keeps 12 patches");
                    // Later stages keep 10 and 8 tokens, one of which may be the fused token.
                    assertTrue(atLeast[2] == 10 || atLeast[2] == 9, "second stage: " + atLeast[2]);
                    assertTrue(atLeast[3] == 8 || atLeast[3] == 7, "third stage: " + atLeast[3]);
                }
            }
        }
    }

    @Test
    void specsAndModelsAreCheckedInOneLine() {
        assertEquals("evit(keep-rate=0.5,blocks=2+5)", ExplainerRegistry.canonical("evit(blocks=5+2, keep-rate=0.5)"));
        assertEquals("evit", ExplainerRegistry.canonical("evit(keep-rate=0.7,fuse=true)"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ExplainerRegistry.get("evit(keep-rate=0)"))
                .getMessage()
                .contains("keep-rate"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ExplainerRegistry.get("evit(blocks=3+x)"))
                .getMessage()
                .contains("blocks"));
        String beyond = assertThrows(IllegalArgumentException.class, () -> ExplainerRegistry.get("evit(blocks=4)")
                        .checkModel(CONFIG))
                .getMessage();
        assertTrue(beyond.contains("beyond the model's 4 blocks"), beyond);
    }
}
