package dev.tokentm.udfs.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tokentm.udfs.checkpoint.ModelLoader;
import dev.tokentm.udfs.checkpoint.Safetensors;
import dev.tokentm.udfs.model.VisionTransformer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * shared/reference/vit-tiny-p8: the model and what the reference implementations computed on it
 * ({@code images}, {@code logits}, {@code attention}, heatmaps; the survey's further explainers in
 * {@code survey.safetensors}, newer ones and R-Cut in {@code beyond.safetensors}; see shared/README.md). Skips the
 * test when shared/ is absent.
 */
public final class ReferenceData implements AutoCloseable {

    private final ModelLoader.LoadedModel loaded;
    private final NDManager manager;
    private final Map<String, NDArray> expected;
    private final Map<String, NDArray> survey;
    private final Map<String, NDArray> beyond;

    private ReferenceData(
            ModelLoader.LoadedModel loaded,
            NDManager manager,
            Map<String, NDArray> expected,
            Map<String, NDArray> survey,
            Map<String, NDArray> beyond) {
        this.loaded = loaded;
        this.manager = manager;
        this.expected = expected;
        this.survey = survey;
        this.beyond = beyond;
    }

    public static ReferenceData load() throws IOException {
        Path dir = SharedData.require("reference/vit-tiny-p8");
        ModelLoader.LoadedModel loaded =
                ModelLoader.load(dir.resolve("model.safetensors").toString());
        NDManager manager = NDManager.newBaseManager();
        byte[] bytes = Files.readAllBytes(dir.resolve("expected.safetensors"));
        byte[] survey = Files.readAllBytes(dir.resolve("survey.safetensors"));
        byte[] beyond = Files.readAllBytes(dir.resolve("beyond.safetensors"));
        return new ReferenceData(
                loaded,
                manager,
                Safetensors.read(bytes, manager, "expected.safetensors").tensors(),
                Safetensors.read(survey, manager, "survey.safetensors").tensors(),
                Safetensors.read(beyond, manager, "beyond.safetensors").tensors());
    }

    public VisionTransformer model() {
        return loaded.model();
    }

    /** The manager holding the reference arrays; closed with this. */
    public NDManager manager() {
        return manager;
    }

    /** One expected array by its name in expected.safetensors. */
    public NDArray expected(String name) {
        NDArray a = expected.get(name);
        if (a == null) {
            throw new IllegalArgumentException("expected.safetensors has no '" + name + "', only " + expected.keySet());
        }
        return a;
    }

    /** One array by its name in beyond.safetensors (methods beyond the survey's list, and R-Cut). */
    public NDArray beyond(String name) {
        NDArray a = beyond.get(name);
        if (a == null) {
            throw new IllegalArgumentException("beyond.safetensors has no '" + name + "', only " + beyond.keySet());
        }
        return a;
    }

    /** One array by its name in survey.safetensors (the survey's further explainers). */
    public NDArray survey(String name) {
        NDArray a = survey.get(name);
        if (a == null) {
            throw new IllegalArgumentException("survey.safetensors has no '" + name + "', only " + survey.keySet());
        }
        return a;
    }

    @Override
    public void close() {
        loaded.close();
        manager.close();
    }
}
