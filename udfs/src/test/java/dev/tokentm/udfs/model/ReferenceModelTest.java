package dev.tokentm.udfs.model;

import static dev.tokentm.udfs.testing.Compare.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.tokentm.udfs.checkpoint.ModelLoader;
import dev.tokentm.udfs.checkpoint.Safetensors;
import dev.tokentm.udfs.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Our ViT against shared/reference/vit-tiny-p8: logits, attention probabilities and attention
 * gradients computed by the public reference implementation on the same random weights.
 */
class ReferenceModelTest {

    private static NDManager manager;
    private static ModelLoader.LoadedModel loaded;
    private static Map<String, NDArray> expected;

    @BeforeAll
    static void load() throws Exception {
        Path dir = SharedData.require("reference/vit-tiny-p8");
        loaded = ModelLoader.load(dir.resolve("model.safetensors").toString());
        manager = NDManager.newBaseManager();
        byte[] bytes = Files.readAllBytes(dir.resolve("expected.safetensors"));
        expected = Safetensors.read(bytes, manager, "expected.safetensors").tensors();
    }

    @AfterAll
    static void close() {
        if (loaded != null) {
            loaded.close();
        }
        if (manager != null) {
            manager.close();
        }
    }

    @Test
    void architectureComesFromTheHeaderMetadata() {
        VitConfig c = loaded.model().config();
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
        NDArray logits = loaded.model().logits(expected.get("images"));
        assertClose(logits, expected.get("logits"), 1e-4, "logits");
    }

    @Test
    void attentionAndItsGradientsMatch() {
        try (VitTrace trace = loaded.model().trace(expected.get("images"), TraceRequest.withGradients(TargetClasses.predicted()))) {
            assertClose(trace.logits(), expected.get("logits"), 1e-4, "traced logits");
            float[] predicted = expected.get("predicted").toFloatArray();
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
            assertClose(NDArrays.stack(attention, 1), expected.get("attention"), 1e-4, "attention");
            assertClose(NDArrays.stack(gradients, 1), expected.get("attention_grad"), 1e-3, "attention gradients");
        }
    }
}
