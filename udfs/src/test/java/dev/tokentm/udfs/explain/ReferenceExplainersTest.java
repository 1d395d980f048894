package dev.tokentm.udfs.explain;

import static dev.tokentm.udfs.testing.Compare.assertClose;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tokentm.udfs.checkpoint.ModelLoader;
import dev.tokentm.udfs.checkpoint.Safetensors;
import dev.tokentm.udfs.model.TargetClasses;
import dev.tokentm.udfs.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The baselines against the heatmaps of shared/reference/vit-tiny-p8, for the predicted class. */
class ReferenceExplainersTest {

    private static NDManager manager;
    private static ModelLoader.LoadedModel loaded;
    private static Map<String, NDArray> expected;

    @BeforeAll
    static void load() throws Exception {
        Path dir = SharedData.require("reference/vit-tiny-p8");
        loaded = ModelLoader.load(dir.resolve("model.safetensors").toString());
        manager = NDManager.newBaseManager();
        expected = Safetensors.read(Files.readAllBytes(dir.resolve("expected.safetensors")), manager, "expected")
                .tensors();
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

    private static void check(Explainer explainer, String key, double tolerance) {
        NDArray heatmaps = explainer.explain(loaded.model(), expected.get("images"), TargetClasses.predicted());
        assertClose(heatmaps.reshape(4, 16), expected.get(key), tolerance, explainer.name());
    }

    @Test
    void rawAttention() {
        check(new RawAttention(), "raw_attention", 1e-4);
    }

    @Test
    void rollout() {
        check(new AttentionRollout(), "rollout", 1e-4);
    }

    @Test
    void gae() {
        check(new Gae(), "gae", 1e-4);
    }

    @Test
    void attentionGradCam() {
        check(new AttentionGradCam(), "attention_gradcam", 1e-4);
    }

    @Test
    void transformerAttribution() {
        check(new TransformerAttribution(), "transformer_attribution", 1e-3);
    }
}
