package dev.tokentm.udfs.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tokentm.udfs.model.BlockTrace;
import dev.tokentm.udfs.model.TargetClasses;
import dev.tokentm.udfs.model.TracePoint;
import dev.tokentm.udfs.model.TraceRequest;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.model.VitConfig;
import dev.tokentm.udfs.model.VitTrace;
import dev.tokentm.udfs.testing.TestVits;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/**
 * AtMan: a small suppression equals the autograd first-order change of the log-probability at the
 * pre-softmax scores.
 */
class AtManTest {

    /**
     * For a small suppression f, AtMan's relevance of patch i is to first order {@code −f Σ_{l,h,q}
     * S_{qi} ∂log p_c/∂S_{qi}} over the pre-softmax scores S of every block and head, with {@code
     * ∂log p_c = ∂z_c − Σ_k p_k ∂z_k}: the autograd gradients at the scores check that every block
     * and head is suppressed, at the right column, with the right sign.
     */
    @Test
    void smallSuppressionIsTheFirstOrderChangeOfTheLogProbability() {
        VitConfig config = TestVits.smallGrid(2);
        try (VisionTransformer model = TestVits.random(config, 11, 0.3, DataType.FLOAT64);
                NDManager manager = NDManager.newBaseManager()) {
            NDArray images = TestVits.images(manager, config, 2, 5, DataType.FLOAT64);
            int[] classes = {1, 2};
            double f = 1e-5;
            double[] atman = new AtMan(f, false, AtMan.DEFAULT_SIMILARITY, 7)
                    .explain(model, images, TargetClasses.of(classes))
                    .toDoubleArray();
            int k = config.numClasses();
            int n = config.numTokens();
            int prefix = config.numPrefixTokens();
            int patches = config.numPatches();
            double[][][] columnSums = new double[k][][]; // [class][image][token] Σ_{l,h,q} S ∂z_class/∂S
            double[][] p = null;
            for (int cls = 0; cls < k; cls++) {
                int[] all = {cls, cls};
                TraceRequest request = TraceRequest.of(
                        EnumSet.of(TracePoint.ATTENTION_SCORES),
                        EnumSet.of(TracePoint.ATTENTION_SCORES),
                        TargetClasses.of(all));
                try (VitTrace trace = model.trace(images, request)) {
                    columnSums[cls] = new double[2][n];
                    for (BlockTrace block : trace.blocks()) {
                        double[] s = block.value(TracePoint.ATTENTION_SCORES)
                                .mul(block.gradient(TracePoint.ATTENTION_SCORES))
                                .sum(new int[] {2})
                                .sum(new int[] {1})
                                .toDoubleArray();
                        for (int b = 0; b < 2; b++) {
                            for (int t = 0; t < n; t++) {
                                columnSums[cls][b][t] += s[b * n + t];
                            }
                        }
                    }
                    if (p == null) {
                        double[] probabilities = trace.logits().softmax(1).toDoubleArray();
                        p = new double[2][k];
                        for (int b = 0; b < 2; b++) {
                            System.arraycopy(probabilities, b * k, p[b], 0, k);
                        }
                    }
                }
            }
            for (int b = 0; b < 2; b++) {
                for (int j = 0; j < patches; j++) {
                    int t = prefix + j;
                    double dLogP = columnSums[classes[b]][b][t];
                    for (int cls = 0; cls < k; cls++) {
                        dLogP -= p[b][cls] * columnSums[cls][b][t];
                    }
                    double expected = f * dLogP; // log p drops by −f · ∂log p/∂(scale)
                    assertEquals(
                            expected,
                            atman[b * patches + j],
                            1e-3 * Math.abs(expected) + 1e-12,
                            "image " + b + " patch " + j);
                }
            }
            assertTrue(java.util.Arrays.stream(atman).anyMatch(v -> Math.abs(v) > 1e-9), "all zero");
        }
    }

    /**
     * Conceptual suppression's multipliers, by hand: f = 0.9, threshold 0.6: the patch 1 − f = 0.1, a
     * patch at cosine 0.7 gets 1 − 0.9 · 0.7 = 0.37, those at 0.5 and −0.2 stay 1; single-patch
     * suppression touches only the patch.
     */
    @Test
    void similarPatchesAreSuppressedByTheirSimilarity() {
        double[] cosines = {1, 0.7, 0.5, -0.2, 0.6};
        double[] conceptual = new AtMan(0.9, true, 0.6, 8).multipliers(cosines, 0);
        org.junit.jupiter.api.Assertions.assertArrayEquals(
                new double[] {0.1, 1 - 0.9 * 0.7, 1, 1, 1 - 0.9 * 0.6}, conceptual, 1e-15);
        double[] single = new AtMan(0.9, false, 0.6, 8).multipliers(cosines, 2);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {1, 1, 1 - 0.9, 1, 1}, single, 0.0);
        assertEquals(
                "atman(conceptual=false)",
                ExplainerRegistry.get("atman(conceptual=false)").name());
    }

    /** In a forward pass: at similarity 1 only the patch itself is suppressed; at a low one, more are. */
    @Test
    void theThresholdDecidesWhichPatchesGoWithThePatch() {
        VitConfig config = TestVits.smallGrid(2);
        try (VisionTransformer model = TestVits.random(config, 11, 0.3, DataType.FLOAT64);
                NDManager manager = NDManager.newBaseManager()) {
            NDArray images = TestVits.images(manager, config, 2, 5, DataType.FLOAT64);
            TargetClasses classes = TargetClasses.of(1, 2);
            double[] single = ExplainerRegistry.get("atman(conceptual=false)")
                    .explain(model, images, classes)
                    .toDoubleArray();
            double[] itself = ExplainerRegistry.get("atman(similarity=1)")
                    .explain(model, images, classes)
                    .toDoubleArray();
            double[] wide = ExplainerRegistry.get("atman(similarity=0.05)")
                    .explain(model, images, classes)
                    .toDoubleArray();
            org.junit.jupiter.api.Assertions.assertArrayEquals(single, itself, 1e-12);
            double differs = 0;
            for (int i = 0; i < single.length; i++) {
                differs = Math.max(differs, Math.abs(single[i] - wide[i]));
            }
            assertTrue(differs > 1e-6, "suppressing similar patches changed nothing: " + differs);
        }
    }
}
