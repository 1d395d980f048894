package dev.tokentm.udfs.checkpoint;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import dev.tokentm.udfs.io.Storage;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.model.VitConfig;
import dev.tokentm.udfs.model.VitParameters;
import dev.tokentm.udfs.runtime.DjlRuntime;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Loads a ViT from a safetensors checkpoint in timm or Hugging Face naming. The architecture
 * comes from, in this order: explicit settings, a sidecar JSON named in the options, the
 * safetensors header's {@code __metadata__}, or a {@code config.json} beside the checkpoint.
 */
public final class ModelLoader {

    private static final Gson GSON = new Gson();

    private ModelLoader() {}

    /**
     * Where to find the architecture and class names, and where to put the weights.
     *
     * @param config explicit architecture, or null
     * @param configLocation a sidecar JSON (Hugging Face {@code config.json} or the project's
     *     flat timm-style form), or null
     * @param classNames explicit class names, or null
     * @param device where the weights go
     */
    public record Options(VitConfig config, String configLocation, List<String> classNames, Device device) {

        /** Everything from the checkpoint itself, on the CPU. */
        public static Options defaults() {
            return new Options(null, null, null, Device.cpu());
        }

        public Options withDevice(Device other) {
            return new Options(config, configLocation, classNames, other);
        }
    }

    /** A loaded model, its class names and where it came from. */
    public record LoadedModel(VisionTransformer model, List<String> classNames, String location)
            implements AutoCloseable {
        @Override
        public void close() {
            model.close();
        }
    }

    /** Loads with the architecture from the checkpoint. */
    public static LoadedModel load(String location) {
        return load(location, Options.defaults());
    }

    /** Loads a checkpoint; every problem with it is reported in one {@link CheckpointException}. */
    public static LoadedModel load(String location, Options options) {
        DjlRuntime.configure();
        PickleGuard.refuseIfPickleName(location);
        if (!Storage.exists(location)) {
            throw new CheckpointException("No model file at " + location);
        }
        byte[] bytes = Storage.readAll(location);
        NDManager manager = NDManager.newBaseManager(options.device());
        try {
            Safetensors.Contents contents = Safetensors.read(bytes, manager, location);
            Architecture arch = architecture(location, contents.metadata(), options);
            CheckpointNaming naming = CheckpointNaming.detect(contents.tensors().keySet(), location);
            Map<String, NDArray> timm = naming.toTimm(contents.tensors());
            List<String> problems = VitParameters.validate(arch.config, timm);
            if (!problems.isEmpty()) {
                throw new CheckpointException(location + " (" + naming + " naming, architecture from " + arch.source
                        + ") does not fit the architecture:\n  - " + String.join("\n  - ", problems));
            }
            VisionTransformer model = new VisionTransformer(VitParameters.of(arch.config, timm), manager);
            return new LoadedModel(model, classNames(arch, options), location);
        } catch (RuntimeException | Error e) {
            manager.close();
            throw e;
        }
    }

    private record Architecture(VitConfig config, List<String> classNames, String source) {}

    private static Architecture architecture(String location, Map<String, String> metadata, Options options) {
        List<String> names = null;
        if (options.configLocation() != null) {
            Architecture sidecar = fromJson(options.configLocation());
            names = sidecar.classNames;
            if (options.config() == null) {
                return sidecar;
            }
        }
        if (options.config() != null) {
            return new Architecture(options.config(), names, "explicit settings");
        }
        if (TimmMetadata.describesArchitecture(metadata)) {
            return new Architecture(
                    TimmMetadata.toConfig(metadata, location + " metadata"),
                    TimmMetadata.classNames(metadata),
                    location + " metadata");
        }
        String beside = Storage.sibling(location, "config.json");
        if (Storage.exists(beside)) {
            return fromJson(beside);
        }
        throw new CheckpointException("No architecture for " + location + ": its safetensors header has no "
                + "architecture metadata (img_size, patch_size, embed_dim, depth, num_heads, num_classes), there is no "
                + "config.json beside it, and none was given. Pass a config file or explicit settings.");
    }

    private static Architecture fromJson(String configLocation) {
        if (!Storage.exists(configLocation)) {
            throw new CheckpointException("No model config file at " + configLocation);
        }
        JsonObject json;
        try {
            json = GSON.fromJson(new String(Storage.readAll(configLocation), StandardCharsets.UTF_8), JsonObject.class);
        } catch (JsonParseException e) {
            throw new CheckpointException(configLocation + " is not valid JSON: " + e.getMessage(), e);
        }
        if (json == null) {
            throw new CheckpointException(configLocation + " is empty");
        }
        if (HuggingFaceConfig.isHuggingFace(json)) {
            JsonObject preprocessor = null;
            String pre = Storage.sibling(configLocation, "preprocessor_config.json");
            if (Storage.exists(pre)) {
                preprocessor =
                        GSON.fromJson(new String(Storage.readAll(pre), StandardCharsets.UTF_8), JsonObject.class);
            }
            return new Architecture(
                    HuggingFaceConfig.toConfig(json, preprocessor, configLocation),
                    HuggingFaceConfig.classNames(json),
                    configLocation);
        }
        Map<String, String> flat = TimmMetadata.fromJson(json);
        return new Architecture(
                TimmMetadata.toConfig(flat, configLocation), TimmMetadata.classNames(flat), configLocation);
    }

    private static List<String> classNames(Architecture arch, Options options) {
        List<String> names = options.classNames() != null ? options.classNames() : arch.classNames;
        int classes = arch.config.numClasses();
        if (names == null) {
            names = new ArrayList<>();
            for (int i = 0; i < classes; i++) {
                names.add("class_" + i);
            }
        } else if (names.size() != classes) {
            throw new CheckpointException(
                    "The model has " + classes + " classes but " + names.size() + " class names were given");
        }
        return List.copyOf(names);
    }
}
