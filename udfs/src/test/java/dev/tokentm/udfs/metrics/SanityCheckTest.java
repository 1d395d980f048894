package dev.tokentm.udfs.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tokentm.udfs.checkpoint.EmbeddedModel;
import dev.tokentm.udfs.explain.ExplainContext;
import dev.tokentm.udfs.explain.Explainer;
import dev.tokentm.udfs.explain.ExplainerRegistry;
import dev.tokentm.udfs.model.TargetClasses;
import dev.tokentm.udfs.model.TraceRequest;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.testing.SampleImages;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The sanity checks on the embedded model and 32 sample images: a map of the image's contrast,
 * which ignores the model, keeps correlation 1 through the randomization cascade and fails; GAE's
 * correlation falls along the cascade and it passes; the cascade re-initializes the head, then the
 * top block, shares the untouched tensors and keeps each tensor's scale; the random class is never
 * the explained one; Spearman by hand.
 */
class SanityCheckTest {

    /** Mean contrast of the input image per patch (|pixel − image mean|): a map that never looks at the model. */
    static final class ImageContrast implements Explainer {
        @Override
        public String name() {
            return "image-contrast";
        }

        @Override
        public TraceRequest needs() {
            return TraceRequest.none();
        }

        @Override
        public NDArray explain(ExplainContext context) {
            NDArray x = context.images().mean(new int[] {1}); // [B, H, W]
            NDArray contrast =
                    x.sub(x.mean(new int[] {2}, true).mean(new int[] {1}, true)).abs();
            int grid = context.config().gridSize();
            long patch = x.getShape().get(1) / grid;
            return contrast.reshape(-1, grid, patch, grid, patch)
                    .mean(new int[] {4})
                    .mean(new int[] {2});
        }
    }

    @Test
    void flagsAModelIndependentMapAndPassesGae() throws Exception {
        VisionTransformer model = EmbeddedModel.load(Device.cpu()).model();
        List<Explainer> explainers = List.of(new ImageContrast(), ExplainerRegistry.get("gae"));
        int steps = ModelRandomization.cascade(model.config()).size();
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray images = SampleImages.first(manager, model.config(), 32);
            SanityCheck.Heatmaps trained = SanityCheck.heatmaps(model, images, TargetClasses.predicted(), explainers);
            double[] last = new double[2];
            double[] head = new double[2];
            for (int s : new int[] {1, steps}) {
                try (VisionTransformer randomized = ModelRandomization.randomized(model, s, 1)) {
                    SanityCheck.Heatmaps maps =
                            SanityCheck.heatmaps(randomized, images, TargetClasses.of(trained.classes()), explainers);
                    for (int m = 0; m < 2; m++) {
                        double sum = 0;
                        for (int b = 0; b < 32; b++) {
                            sum += SanityCheck.spearman(trained.maps()[m][b], maps.maps()[m][b]);
                        }
                        (s == 1 ? head : last)[m] = sum / 32;
                    }
                }
            }
            assertEquals(1.0, last[0], 1e-9, "contrast ignores the model");
            assertFalse(SanityCheck.passes(last[0]));
            assertTrue(SanityCheck.passes(last[1]), "GAE after the whole cascade: " + last[1]);
            assertTrue(
                    head[1] > last[1],
                    "GAE moves away from its trained maps along the cascade: " + head[1] + " -> " + last[1]);
        }
    }

    @Test
    void cascadeRandomizesTheHeadThenBlocksFromTheTop() {
        VisionTransformer model = EmbeddedModel.load(Device.cpu()).model();
        List<String> steps = ModelRandomization.cascade(model.config());
        assertEquals(model.config().depth() + 1, steps.size());
        assertEquals("head", steps.get(0));
        assertEquals("block " + (model.config().depth() - 1), steps.get(1));
        try (VisionTransformer two = ModelRandomization.randomized(model, 2, 9)) {
            int top = model.config().depth() - 1;
            assertNotEquals(
                    model.parameters().get("head.weight").toFloatArray()[0],
                    two.parameters().get("head.weight").toFloatArray()[0]);
            assertNotEquals(
                    model.parameters().get("blocks." + top + ".attn.qkv.weight").toFloatArray()[3],
                    two.parameters().get("blocks." + top + ".attn.qkv.weight").toFloatArray()[3]);
            assertSame(
                    model.parameters().get("blocks." + (top - 1) + ".attn.qkv.weight"),
                    two.parameters().get("blocks." + (top - 1) + ".attn.qkv.weight"),
                    "lower blocks stay trained (shared, not copied)");
            // The re-initialized tensor keeps the trained one's scale.
            float[] trained = model.parameters().get("head.weight").toFloatArray();
            float[] random = two.parameters().get("head.weight").toFloatArray();
            assertEquals(std(trained), std(random), 0.1 * std(trained));
        }
        try (VisionTransformer again = ModelRandomization.randomized(model, 2, 9)) {
            assertEquals(
                    model.parameters().get("head.weight").getShape(),
                    again.parameters().get("head.weight").getShape());
        }
    }

    @Test
    void randomOtherClassIsNeverTheExplainedOne() {
        int[] explained = {0, 3, 9, 9, 5};
        long[] seeds = {1, 2, 3, 4, 5};
        int[] other = SanityCheck.randomOtherClasses(explained, 10, seeds);
        for (int b = 0; b < explained.length; b++) {
            assertNotEquals(explained[b], other[b]);
            assertTrue(other[b] >= 0 && other[b] < 10);
        }
        assertEquals(
                java.util.Arrays.toString(other),
                java.util.Arrays.toString(SanityCheck.randomOtherClasses(explained, 10, seeds)));
    }

    @Test
    void spearmanByHand() {
        assertEquals(1.0, SanityCheck.spearman(new float[] {1, 2, 3, 4}, new float[] {10, 20, 30, 40}), 1e-12);
        assertEquals(-1.0, SanityCheck.spearman(new float[] {1, 2, 3, 4}, new float[] {4, 3, 2, 1}), 1e-12);
        // ranks (1,2,3,4) vs (2,1,4,3): 1 − 6·4/(4·15) = 0.6
        assertEquals(0.6, SanityCheck.spearman(new float[] {1, 2, 3, 4}, new float[] {2, 1, 4, 3}), 1e-12);
    }

    private static double std(float[] v) {
        double mean = 0;
        for (float x : v) {
            mean += x;
        }
        mean /= v.length;
        double s = 0;
        for (float x : v) {
            s += (x - mean) * (x - mean);
        }
        return Math.sqrt(s / v.length);
    }
}
