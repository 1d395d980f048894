package dev.tokentm.udfs.spark;

import ai.djl.Device;
import dev.tokentm.udfs.checkpoint.ModelLoader;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-executor model cache: each JVM loads a checkpoint once per device, and every task on
 * that executor reuses it (the one piece of static mutable state, by design). Models live until
 * the JVM ends.
 */
public final class ExecutorModels {

    private record Key(String location, String config, List<String> classNames, Device device) {}

    private static final Map<Key, ModelLoader.LoadedModel> MODELS = new ConcurrentHashMap<>();

    private ExecutorModels() {}

    /** The model for these settings on this device, loaded on first use. */
    public static ModelLoader.LoadedModel get(ExplainSettings settings, Device device) {
        Key key = new Key(settings.modelLocation(), settings.modelConfig(), settings.classNames(), device);
        return MODELS.computeIfAbsent(
                key,
                k -> ModelLoader.load(
                        k.location(), new ModelLoader.Options(null, k.config(), k.classNames(), k.device())));
    }

    /** How many models this JVM holds (for tests of the once-per-executor promise). */
    public static int loadedCount() {
        return MODELS.size();
    }
}
