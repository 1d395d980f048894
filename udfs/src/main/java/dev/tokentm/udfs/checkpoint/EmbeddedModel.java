package dev.tokentm.udfs.checkpoint;

import ai.djl.Device;
import dev.tokentm.udfs.io.Storage;
import java.util.Map;

/**
 * The model shipped inside this jar, used when a user names no model: a small ViT trained by the
 * project on cluttered Fashion-MNIST (64x64 RGB, 8x8 patches, 10 classes; see the README for how
 * it was trained and what it reaches). Its checkpoint metadata holds the architecture,
 * preprocessing, class names and held-out test accuracy.
 */
public final class EmbeddedModel {

    /** Where the checkpoint is on the classpath. */
    public static final String LOCATION = Storage.CLASSPATH + "models/cluttered-fashion-vit/model.safetensors";

    private EmbeddedModel() {}

    /** Loads it onto {@code device}. */
    public static ModelLoader.LoadedModel load(Device device) {
        return ModelLoader.load(LOCATION, ModelLoader.Options.defaults().withDevice(device));
    }

    /** Its checkpoint metadata (architecture, class names, {@code test_accuracy}, ...). */
    public static Map<String, String> metadata() {
        return Safetensors.readMetadata(Storage.readAll(LOCATION), LOCATION);
    }
}
