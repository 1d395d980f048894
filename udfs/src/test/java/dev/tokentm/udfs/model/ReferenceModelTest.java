package dev.tokentm.udfs.model;

import static dev.tokentm.udfs.testing.Compare.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import dev.tokentm.udfs.testing.ReferenceData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Our ViT against shared/reference/vit-tiny-p8 (the public reference implementation on the same
 * random weights): logits, every block's attention probabilities (relative L2 error below 1e-4)
 * and attention gradients (below 1e-3).
 */
class ReferenceModelTest {

    private static ReferenceData reference;

    @BeforeAll
    static void load() throws Exception {
        reference = ReferenceData.load();
    }

    @AfterAll
    static void close() {
        if (reference != null) {
            reference.close();
        }
    }

    @Test
    void architectureComesFromTheHeaderMetadata() {
        VitConfig c = reference.model().config();
        assertEquals(32, c.imageSize());
        assertEquals(8, c.patchSize());
        assertEquals(48, c.embedDim());
        assertEquals(3, c.depth());
        assertEquals(3, c.numHeads());
        assertEquals(10, c.numClasses());
        assertEquals(17, c.numTokens());
    }

    @Test
    void logitsMatch() {
        NDArray logits = reference.model().logits(reference.expected("images"));
        assertClose(logits, reference.expected("logits"), 1e-4, "logits");
    }

    @Test
    void attentionAndItsGradientsMatch() {
        try (VitTrace trace = reference
                .model()
                .trace(reference.expected("images"), TraceRequest.withGradients(TargetClasses.predicted()))) {
            assertClose(trace.logits(), reference.expected("logits"), 1e-4, "traced logits");
            float[] predicted = reference.expected("predicted").toFloatArray();
            int[] want = new int[predicted.length];
            for (int i = 0; i < want.length; i++) {
                want[i] = Math.round(predicted[i]);
            }
            assertArrayEquals(want, trace.targets(), "predicted classes");

            NDList attention = new NDList();
            NDList gradients = new NDList();
            for (BlockTrace block : trace.blocks()) {
                attention.add(block.attention());
                gradients.add(block.attentionGradient());
            }
            assertClose(NDArrays.stack(attention, 1), reference.expected("attention"), 1e-4, "attention");
            assertClose(
                    NDArrays.stack(gradients, 1), reference.expected("attention_grad"), 1e-3, "attention gradients");
        }
    }
}
