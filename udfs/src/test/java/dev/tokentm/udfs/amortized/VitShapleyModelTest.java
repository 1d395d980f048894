package dev.tokentm.udfs.amortized;

import static dev.tokentm.udfs.testing.Compare.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tokentm.udfs.model.ForwardHook;
import dev.tokentm.udfs.model.TracePoint;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.model.VitConfig;
import dev.tokentm.udfs.testing.TestVits;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * ViT Shapley's parts: the surrogate's coalition equals running the model on the kept tokens alone; the
 * coalition samplers draw their distributions; the explainer's values are efficient, {@code v(∅)} is
 * the same for every image, and a model file reads back to the same values.
 */
class VitShapleyModelTest {

    private static final VitConfig CONFIG =
            TestVits.smallGrid(3).toBuilder().registerTokens(2).build(); // 16 patches after 3 prefix tokens

    /**
     * Held-out keys are read by no token in any block, so the kept tokens compute exactly what they
     * compute in a sequence of the prefix and the kept patches alone (taken at the first block's input).
     */
    @Test
    void aCoalitionIsTheModelOnItsTokensAlone() {
        try (VisionTransformer model = TestVits.random(CONFIG, 3, 0.3, DataType.FLOAT64);
                NDManager manager = NDManager.newBaseManager()) {
            NDArray images = TestVits.images(manager, CONFIG, 2, 4, DataType.FLOAT64);
            int patches = CONFIG.numPatches();
            float[] keep = CoalitionSampler.uniform(2, patches, new Random(5));
            NDArray masked = model.forward(images, CoalitionMask.of(keep, 2, CONFIG, images));
            for (int b = 0; b < 2; b++) {
                int kept = 0;
                for (int p = 0; p < patches; p++) {
                    kept += (int) keep[b * patches + p];
                }
                int prefix = CONFIG.numPrefixTokens();
                int rows = prefix + kept;
                double[] select = new double[rows * CONFIG.numTokens()];
                for (int t = 0; t < prefix; t++) {
                    select[t * CONFIG.numTokens() + t] = 1;
                }
                int r = prefix;
                for (int p = 0; p < patches; p++) {
                    if (keep[b * patches + p] > 0) {
                        select[r++ * CONFIG.numTokens() + prefix + p] = 1;
                    }
                }
                NDArray selection = manager.create(select, new Shape(1, rows, CONFIG.numTokens()));
                ForwardHook alone = (block, point, value) ->
                        block == 0 && point == TracePoint.BLOCK_INPUT ? selection.matMul(value) : value;
                NDArray expected = model.forward(images.get(b + ":" + (b + 1)), alone);
                assertClose(masked.get(b + ":" + (b + 1)), expected, 1e-12, "image " + b);
            }
            float[] all = new float[2 * patches];
            java.util.Arrays.fill(all, 1f);
            assertClose(
                    model.forward(images, CoalitionMask.of(all, 2, CONFIG, images)),
                    model.logits(images),
                    1e-15,
                    "the grand coalition is the model");
        }
    }

    @Test
    void theSamplersDrawTheirDistributions() {
        int players = 16;
        int pairs = 20_000;
        float[] paired = CoalitionSampler.shapleyPaired(pairs, players, new Random(1));
        double[] kernel = new double[players];
        double total = 0;
        for (int s = 1; s < players; s++) {
            kernel[s] = 1.0 / (s * (players - s));
            total += kernel[s];
        }
        int[] sizes = new int[players + 1];
        for (int r = 0; r < pairs; r++) {
            int size = 0;
            for (int j = 0; j < players; j++) {
                float in = paired[2 * r * players + j];
                assertEquals(1f, in + paired[(2 * r + 1) * players + j], "each coalition's complement follows it");
                size += (int) in;
            }
            sizes[size]++;
        }
        assertEquals(0, sizes[0] + sizes[players], "neither the empty nor the grand coalition");
        for (int s = 1; s < players; s++) {
            double expected = pairs * kernel[s] / total;
            // within 5 binomial standard deviations of the kernel's share
            double sd = Math.sqrt(expected * (1 - expected / pairs));
            assertTrue(Math.abs(sizes[s] - expected) < 5 * sd, "size " + s + ": " + sizes[s] + " vs " + expected);
        }
        float[] uniform = CoalitionSampler.uniform(pairs, players, new Random(2));
        double kept = 0;
        for (float v : uniform) {
            kept += v;
        }
        assertEquals(0.5, kept / uniform.length, 0.01, "sizes uniform on [0, P]: half kept on average");
    }

    @Test
    void valuesAreEfficientTheEmptyGameIsOneAndTheFileReadsBack() throws Exception {
        try (VisionTransformer model = TestVits.random(CONFIG, 7, 0.3, DataType.FLOAT32);
                NDManager manager = NDManager.newBaseManager()) {
            String file = TestVits.vitShapleyFile(model, 8);
            try (VitShapleyModel vs = VitShapleyModel.load(file, Device.cpu(), DataType.FLOAT64)) {
                NDArray images = TestVits.images(manager, CONFIG, 3, 9, DataType.FLOAT64);
                NDArray values = vs.values(images);
                assertArrayEquals(
                        new long[] {3, CONFIG.numPatches(), CONFIG.numClasses()},
                        values.getShape().getShape());
                NDArray all = vs.surrogate().logits(images).softmax(-1);
                NDArray empty = vs.empty(images);
                assertClose(values.sum(new int[] {1}), all.sub(empty), 1e-12, "Σ_j φ_j = v(all) − v(∅)");
                float[] none = new float[2 * CONFIG.numPatches()];
                NDArray pair = images.get("0:2");
                NDArray emptyOfBoth = vs.surrogate()
                        .forward(pair, CoalitionMask.of(none, 2, CONFIG, pair))
                        .softmax(-1);
                assertClose(emptyOfBoth.get("0:1"), empty, 1e-12, "v(∅) of image 0");
                assertClose(emptyOfBoth.get("1:2"), empty, 1e-12, "v(∅) of image 1: no image enters it");
                float[] ends = new float[2 * CONFIG.numPatches()];
                java.util.Arrays.fill(ends, CONFIG.numPatches(), ends.length, 1f);
                double[] game = vs.game(images.get(1), 2, ends, 2, 1, manager);
                assertEquals(empty.getDouble(0, 2), game[0], 1e-12, "the game's v(∅)");
                assertEquals(all.getDouble(1, 2), game[1], 1e-12, "the game's v(all)");
                java.nio.file.Path copy =
                        java.nio.file.Files.createTempFile("tokentm-vit-shapley-copy", ".safetensors");
                copy.toFile().deleteOnExit();
                java.nio.file.Files.write(copy, vs.toBytes(java.util.Map.of("note", "copy")));
                try (VitShapleyModel again = VitShapleyModel.load(copy.toString(), Device.cpu(), DataType.FLOAT64)) {
                    assertClose(again.values(images), values, 1e-15, "a written model reads back the same");
                    assertEquals("copy", again.metadata().get("note"));
                }
            }
        }
    }

    /** The shipped explainer fits the embedded model, and its maps hold the class's v(all) − v(∅). */
    @Test
    void theShippedExplainerFitsTheEmbeddedModel() {
        try (dev.tokentm.udfs.checkpoint.ModelLoader.LoadedModel embedded =
                        dev.tokentm.udfs.checkpoint.EmbeddedModel.load(Device.cpu());
                NDManager manager = NDManager.newBaseManager()) {
            VisionTransformer model = embedded.model();
            dev.tokentm.udfs.explain.Explainer vitShapley =
                    dev.tokentm.udfs.explain.ExplainerRegistry.get("vit-shapley");
            vitShapley.checkModel(model.config());
            NDArray images = TestVits.images(manager, model.config(), 2, 3, DataType.FLOAT32);
            int[] classes = {4, 7};
            float[] maps = vitShapley
                    .explain(model, images, dev.tokentm.udfs.model.TargetClasses.of(classes))
                    .toFloatArray();
            VitShapleyModel shipped = VitShapleyModels.get(
                    dev.tokentm.udfs.explain.VitShapley.EMBEDDED_LOCATION, Device.cpu(), DataType.FLOAT32);
            float[] all = shipped.surrogate().logits(images).softmax(-1).toFloatArray();
            float[] empty = shipped.empty(images).toFloatArray();
            int patches = model.config().numPatches();
            for (int b = 0; b < 2; b++) {
                double sum = 0;
                for (int p = 0; p < patches; p++) {
                    sum += maps[b * patches + p];
                }
                int c = classes[b];
                assertEquals(all[b * 10 + c] - empty[c], sum, 1e-5, "image " + b);
            }
        }
    }
}
