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
            double[] atman = new AtMan(f, 7)
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
}
