package dev.tokentm.udfs.amortized;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-executor cache of ViT Shapley explainers, as the models' ({@code ExecutorModels}): each JVM
 * reads a file once per device and every task reuses it; they live until the JVM ends.
 */
public final class VitShapleyModels {

    private record Key(String location, Device device, DataType type) {}

    private static final Map<Key, VitShapleyModel> MODELS = new ConcurrentHashMap<>();

    private VitShapleyModels() {}

    /** The explainer at this location on this device in this type (the model's), read on first use. */
    public static VitShapleyModel get(String location, Device device, DataType type) {
        return MODELS.computeIfAbsent(
                new Key(location, device, type), k -> VitShapleyModel.load(k.location(), k.device(), k.type()));
    }
}
