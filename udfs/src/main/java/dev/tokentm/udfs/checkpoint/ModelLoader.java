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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads a ViT from a safetensors checkpoint in timm or Hugging Face naming, given as the file or
 * the folder holding {@code model.safetensors} (as the model hubs lay them out). The architecture
 * comes from, in this order: explicit settings; a sidecar JSON named in the options; the
 * safetensors header's {@code __metadata__}; a {@code config.json} beside the checkpoint (timm's
 * hub config, Hugging Face's, or the flat timm-style keys); and, for whatever these leave out,
 * the tensors' shapes ({@link ArchitectureInference}). DeiT III's LayerScale and patch-only position
 * embedding are folded into the plain ViT on the way ({@link TimmFolding}).
 */
public final class ModelLoader {

    private static final Gson GSON = new Gson();
    /** The checkpoint's name inside a model folder, as timm's and Hugging Face's hubs write it. */
    public static final String CHECKPOINT_FILE = "model.safetensors";

    private ModelLoader() {}

    /**
     * Where to find the architecture and class names, and where to put the weights.
     *
     * @param config explicit architecture, or null
     * @param configLocation a sidecar JSON (Hugging Face or timm {@code config.json}, or the project's
     *     flat timm-style keys, all or some of them), or null
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

    /**
     * A loaded model, its class names, where it came from and how its architecture was found.
     *
     * @param architecture one line: where the architecture came from, what was inferred or folded
     */
    public record LoadedModel(VisionTransformer model, List<String> classNames, String location, String architecture)
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
        String file = checkpointFile(location);
        byte[] bytes = Storage.readAll(file);
        NDManager manager = NDManager.newBaseManager(options.device());
        try {
            Safetensors.Contents contents = Safetensors.read(bytes, manager, file);
            CheckpointNaming naming = CheckpointNaming.detect(contents.tensors().keySet(), file);
            TimmFolding.Folded folded = TimmFolding.fold(naming.toTimm(contents.tensors()));
            Map<String, NDArray> timm = folded.tensors();
            Architecture arch = architecture(file, contents.metadata(), timm, naming, options);
            List<String> problems = VitParameters.validate(arch.config, timm);
            if (!problems.isEmpty()) {
                throw new CheckpointException(file + " (" + naming + " naming, architecture from " + arch.source
                        + ") does not fit the architecture:\n  - " + String.join("\n  - ", problems));
            }
            VisionTransformer model = new VisionTransformer(VitParameters.of(arch.config, timm), manager);
            List<String> notes = new ArrayList<>(List.of("architecture from " + arch.source));
            notes.addAll(folded.folds());
            return new LoadedModel(model, classNames(arch, options), location, String.join("; ", notes));
        } catch (RuntimeException | Error e) {
            manager.close();
            throw e;
        }
    }

    /** The checkpoint a location names: the file itself, or {@code model.safetensors} in the folder it names. */
    static String checkpointFile(String location) {
        PickleGuard.refuseIfPickleName(location);
        if (Storage.exists(location)) {
            return location;
        }
        String folder = location.replaceAll("/+$", "");
        String inside = folder + "/" + CHECKPOINT_FILE;
        if (Storage.exists(inside)) {
            return inside;
        }
        // A folder with only a pickle checkpoint: say how to convert it, not that nothing is there.
        for (String pickle : PickleGuard.HUB_PICKLE_FILES) {
            String candidate = folder + "/" + pickle;
            if (Storage.exists(candidate)) {
                throw PickleGuard.refusal(candidate);
            }
        }
        throw new CheckpointException("No model file at " + location + " (nor a " + CHECKPOINT_FILE + " in it)");
    }

    private record Architecture(VitConfig config, List<String> classNames, String source) {}

    private static Architecture architecture(
            String file,
            Map<String, String> metadata,
            Map<String, NDArray> timm,
            CheckpointNaming naming,
            Options options) {
        List<String> names = null;
        if (options.configLocation() != null) {
            Described sidecar = fromJson(options.configLocation());
            names = sidecar.names != null ? sidecar.names : TimmMetadata.classNames(sidecar.flat);
            if (options.config() == null) {
                return sidecar.complete(timm, naming, file);
            }
        }
        if (options.config() != null) {
            return new Architecture(options.config(), names, "explicit settings");
        }
        if (TimmMetadata.describesArchitecture(metadata)) {
            return new Described(metadata, file + " metadata").complete(timm, naming, file);
        }
        String beside = Storage.sibling(file, "config.json");
        if (Storage.exists(beside)) {
            return fromJson(beside).complete(timm, naming, file);
        }
        return new Described(Map.of(), null).complete(timm, naming, file);
    }

    /**
     * An architecture in flat form (possibly partial) and where it was written; a Hugging Face
     * config, read whole, carries its {@link VitConfig} instead.
     */
    private record Described(Map<String, String> flat, String source, VitConfig config, List<String> names) {

        Described(Map<String, String> flat, String source) {
            this(flat, source, null, null);
        }

        /** The architecture, with what the flat form leaves out read from the tensors. */
        Architecture complete(Map<String, NDArray> timm, CheckpointNaming naming, String file) {
            if (config != null) {
                return new Architecture(config, names, source);
            }
            if (flat.keySet().containsAll(TimmMetadata.REQUIRED)) {
                return new Architecture(TimmMetadata.toConfig(flat, source), TimmMetadata.classNames(flat), source);
            }
            ArchitectureInference.Inferred inferred = ArchitectureInference.infer(timm, naming, file);
            Map<String, String> merged = new LinkedHashMap<>(inferred.flat());
            merged.putAll(flat);
            if (!merged.containsKey("num_heads")) {
                throw new CheckpointException("The heads of " + file + " do not show in its tensors and width "
                        + merged.get("embed_dim") + " has no timm convention: give them in a --model-config JSON, "
                        + "{\"num_heads\": N}");
            }
            List<String> read = new ArrayList<>();
            for (String key : TimmMetadata.REQUIRED) {
                if (!flat.containsKey(key) && !key.equals("num_heads")) {
                    read.add(key + " " + merged.get(key));
                }
            }
            if (!flat.containsKey("reg_tokens") && !"0".equals(merged.getOrDefault("reg_tokens", "0"))) {
                read.add("reg_tokens " + merged.get("reg_tokens"));
            }
            List<String> parts = new ArrayList<>();
            if (source != null) {
                parts.add(source);
            }
            if (!read.isEmpty()) {
                parts.add("the tensors (" + String.join(", ", read) + ")");
            }
            if (!flat.containsKey("num_heads")) {
                parts.add(inferred.conventions().get(0));
            }
            if (!flat.containsKey("mean")) {
                parts.add(inferred.conventions().get(inferred.conventions().size() - 1));
            }
            String where = String.join(" + ", parts);
            return new Architecture(TimmMetadata.toConfig(merged, where), TimmMetadata.classNames(merged), where);
        }
    }

    private static Described fromJson(String configLocation) {
        if (!Storage.exists(configLocation)) {
            throw new CheckpointException("No model config file at " + configLocation);
        }
        JsonObject json = readJson(configLocation);
        if (json == null) {
            throw new CheckpointException(configLocation + " is empty");
        }
        if (HuggingFaceConfig.isHuggingFace(json)) {
            JsonObject preprocessor = null;
            String pre = Storage.sibling(configLocation, "preprocessor_config.json");
            if (Storage.exists(pre)) {
                preprocessor = readJson(pre);
            }
            return new Described(
                    Map.of(),
                    configLocation,
                    HuggingFaceConfig.toConfig(json, preprocessor, configLocation),
                    HuggingFaceConfig.classNames(json));
        }
        if (TimmHubConfig.isTimmHub(json)) {
            return new Described(
                    TimmHubConfig.toFlat(json, configLocation),
                    configLocation + " (timm " + json.get("architecture").getAsString() + ")");
        }
        return new Described(TimmMetadata.fromJson(json), configLocation);
    }

    private static JsonObject readJson(String location) {
        try {
            return GSON.fromJson(new String(Storage.readAll(location), StandardCharsets.UTF_8), JsonObject.class);
        } catch (JsonParseException e) {
            throw new CheckpointException(location + " is not valid JSON: " + e.getMessage(), e);
        }
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
