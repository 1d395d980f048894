package dev.tokentm.udfs.checkpoint;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The {@code config.json} timm's {@code push_to_hub} writes beside {@code model.safetensors}: the
 * model's registered name ({@code architecture}), {@code num_classes}, {@code global_pool},
 * {@code model_args} (the arguments given beside the name, such as {@code {"depth": 2}}),
 * {@code pretrained_cfg} (input size, interpolation, crop, mean, std) and {@code label_names}.
 * Read into {@link TimmMetadata}'s flat form: the name's architecture, overridden by
 * {@code model_args}, with the preprocessing and class names.
 */
final class TimmHubConfig {

    private static final Gson GSON = new Gson();

    /** {@code model_args} that change nothing at inference (dropout, initialization, input size handling). */
    private static final Set<String> INFERENCE_NEUTRAL = Set.of(
            "drop_rate",
            "pos_drop_rate",
            "patch_drop_rate",
            "proj_drop_rate",
            "attn_drop_rate",
            "drop_path_rate",
            "weight_init",
            "fix_init",
            "dynamic_img_size",
            "dynamic_img_pad",
            "init_values",
            "no_embed_class",
            "pretrained_cfg_overlay");

    /** {@code model_args} that this project's ViT reads, under the same names. */
    private static final Set<String> ARCHITECTURE_ARGS = Set.of(
            "img_size",
            "patch_size",
            "in_chans",
            "embed_dim",
            "depth",
            "num_heads",
            "mlp_ratio",
            "qkv_bias",
            "class_token",
            "reg_tokens");

    private TimmHubConfig() {}

    /** Whether a JSON object is timm's hub config rather than another form. */
    static boolean isTimmHub(JsonObject json) {
        return json.has("architecture")
                && json.get("architecture").isJsonPrimitive()
                && (json.has("pretrained_cfg") || json.has("model_args") || json.has("num_features"));
    }

    /** The architecture, preprocessing and class names in flat form; refuses what the ViT cannot compute. */
    static Map<String, String> toFlat(JsonObject json, String source) {
        String name = json.get("architecture").getAsString();
        Map<String, String> flat = new LinkedHashMap<>(TimmModelName.architecture(name, source));
        JsonObject args = json.has("model_args") && json.get("model_args").isJsonObject()
                ? json.getAsJsonObject("model_args")
                : new JsonObject();
        List<String> refused = new ArrayList<>();
        for (Map.Entry<String, JsonElement> e : args.entrySet()) {
            String key = e.getKey();
            JsonElement v = e.getValue();
            if (ARCHITECTURE_ARGS.contains(key)) {
                flat.put(key, scalar(key, v));
            } else if (INFERENCE_NEUTRAL.contains(key)) {
                continue;
            } else if (key.equals("global_pool")) {
                checkPool(v.getAsString(), refused);
            } else if (key.equals("num_classes")) {
                flat.put("num_classes", v.getAsString());
            } else if (!isOff(v)) {
                refused.add("model_args '" + key + "' = " + v);
            }
        }
        if (json.has("global_pool")) {
            checkPool(json.get("global_pool").getAsString(), refused);
        }
        if (!refused.isEmpty()) {
            throw new CheckpointException("The timm model in " + source + " is built with " + String.join(", ", refused)
                    + "; this tool's ViT computes timm's plain ViT/DeiT ([CLS] pooling, LayerNorm, GELU)");
        }
        if (json.has("num_classes")) {
            flat.put("num_classes", json.get("num_classes").getAsString());
        }
        JsonObject pretrained =
                json.has("pretrained_cfg") && json.get("pretrained_cfg").isJsonObject()
                        ? json.getAsJsonObject("pretrained_cfg")
                        : new JsonObject();
        preprocessing(pretrained, flat, source);
        List<String> names = labelNames(json.get("label_names"));
        if (names != null) {
            flat.put("class_names", GSON.toJson(names));
        }
        return flat;
    }

    private static void preprocessing(JsonObject cfg, Map<String, String> flat, String source) {
        if (cfg.has("input_size") && cfg.get("input_size").isJsonArray()) {
            JsonArray size = cfg.getAsJsonArray("input_size");
            flat.putIfAbsent("in_chans", size.get(0).getAsString());
        }
        for (String key : List.of("mean", "std", "interpolation", "crop_pct")) {
            if (cfg.has(key) && !cfg.get(key).isJsonNull()) {
                JsonElement v = cfg.get(key);
                flat.put(key, v.isJsonPrimitive() ? v.getAsString() : v.toString());
            }
        }
        String mode = cfg.has("crop_mode") ? cfg.get("crop_mode").getAsString() : "center";
        switch (mode) {
            case "center" -> flat.put("resize_mode", "shorter_side");
            case "squash" -> flat.put("resize_mode", "exact"); // each side to size / crop_pct, then the crop
            default ->
                throw new CheckpointException("The timm model in " + source + " is preprocessed with crop_mode '" + mode
                        + "'; this tool resizes with 'center' or 'squash'");
        }
    }

    /** {@code label_names} as timm writes them: a list by index, or a map from index to name. */
    private static List<String> labelNames(JsonElement labels) {
        if (labels == null || labels.isJsonNull()) {
            return null;
        }
        List<String> names = new ArrayList<>();
        if (labels.isJsonArray()) {
            labels.getAsJsonArray().forEach(e -> names.add(e.getAsString()));
            return names;
        }
        Map<Integer, String> byIndex = new TreeMap<>();
        for (Map.Entry<String, JsonElement> e : labels.getAsJsonObject().entrySet()) {
            byIndex.put(Integer.parseInt(e.getKey()), e.getValue().getAsString());
        }
        names.addAll(byIndex.values());
        return names;
    }

    private static void checkPool(String pool, List<String> refused) {
        if (!pool.equals("token")) {
            refused.add("global_pool '" + pool + "' (the explainers read the [CLS] token: 'token' pooling only)");
        }
    }

    /** False, null, zero, empty and "" leave the plain ViT as it is ({@code reg_tokens: 0}, {@code pre_norm: false}). */
    private static boolean isOff(JsonElement v) {
        if (v == null || v.isJsonNull()) {
            return true;
        }
        if (v.isJsonPrimitive()) {
            var p = v.getAsJsonPrimitive();
            return (p.isBoolean() && !p.getAsBoolean())
                    || (p.isNumber() && p.getAsDouble() == 0)
                    || (p.isString() && p.getAsString().isEmpty());
        }
        return false;
    }

    private static String scalar(String key, JsonElement v) {
        if (!v.isJsonPrimitive()) {
            if (key.equals("img_size")
                    && v.isJsonArray()
                    && v.getAsJsonArray().size() == 2
                    && v.getAsJsonArray().get(0).equals(v.getAsJsonArray().get(1))) {
                return v.getAsJsonArray().get(0).getAsString(); // [224, 224]: square inputs only
            }
            throw new CheckpointException("model_args '" + key + "' must be a single value, got " + v);
        }
        return v.getAsString();
    }
}
