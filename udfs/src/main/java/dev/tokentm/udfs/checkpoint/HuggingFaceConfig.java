package dev.tokentm.udfs.checkpoint;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.tokentm.udfs.model.Preprocessing;
import dev.tokentm.udfs.model.VitConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a Hugging Face {@code ViTForImageClassification} {@code config.json} (and, when present,
 * the {@code preprocessor_config.json} beside it) into a {@link VitConfig} and class names.
 */
final class HuggingFaceConfig {

    private HuggingFaceConfig() {}

    /** Whether a JSON object is a Hugging Face model config rather than the project's flat form. */
    static boolean isHuggingFace(JsonObject json) {
        return json.has("hidden_size") || json.has("model_type") || json.has("num_hidden_layers");
    }

    static VitConfig toConfig(JsonObject json, JsonObject preprocessor, String source) {
        List<String> missing = new ArrayList<>();
        for (String key :
                List.of("hidden_size", "num_hidden_layers", "num_attention_heads", "image_size", "patch_size")) {
            if (!json.has(key)) {
                missing.add(key);
            }
        }
        if (!missing.isEmpty()) {
            throw new CheckpointException("The Hugging Face config " + source + " lacks " + missing);
        }
        String act = json.has("hidden_act") ? json.get("hidden_act").getAsString() : "gelu";
        if (!act.equals("gelu")) {
            throw new CheckpointException("The Hugging Face config " + source + " uses hidden_act '" + act
                    + "'; only exact GELU ('gelu') is supported");
        }
        int hidden = json.get("hidden_size").getAsInt();
        int intermediate =
                json.has("intermediate_size") ? json.get("intermediate_size").getAsInt() : 4 * hidden;
        int imageSize = json.get("image_size").getAsInt();
        double[] mean = {0.5, 0.5, 0.5};
        double[] std = {0.5, 0.5, 0.5};
        String interpolation = "bilinear";
        if (preprocessor != null) {
            if (preprocessor.has("image_mean")) {
                mean = doubles(preprocessor.get("image_mean"));
            }
            if (preprocessor.has("image_std")) {
                std = doubles(preprocessor.get("image_std"));
            }
            if (preprocessor.has("resample") && preprocessor.get("resample").getAsInt() == 3) {
                interpolation = "bicubic";
            }
        }
        int numClasses = numClasses(json);
        try {
            return new VitConfig(
                    imageSize,
                    json.get("patch_size").getAsInt(),
                    json.has("num_channels") ? json.get("num_channels").getAsInt() : 3,
                    hidden,
                    json.get("num_hidden_layers").getAsInt(),
                    json.get("num_attention_heads").getAsInt(),
                    (double) intermediate / hidden,
                    !json.has("qkv_bias") || json.get("qkv_bias").getAsBoolean(),
                    json.has("layer_norm_eps") ? json.get("layer_norm_eps").getAsDouble() : 1e-12,
                    numClasses,
                    true,
                    false,
                    0,
                    new Preprocessing(imageSize, imageSize, Preprocessing.ResizeMode.EXACT, interpolation, mean, std));
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("The Hugging Face config " + source + " is not valid: " + e.getMessage(), e);
        }
    }

    /** Class names from {@code id2label}, ordered by id; null when absent. */
    static List<String> classNames(JsonObject json) {
        if (!json.has("id2label")) {
            return null;
        }
        Map<Integer, String> byId = new TreeMap<>();
        for (Map.Entry<String, JsonElement> e : json.getAsJsonObject("id2label").entrySet()) {
            byId.put(Integer.parseInt(e.getKey()), e.getValue().getAsString());
        }
        return new ArrayList<>(byId.values());
    }

    private static int numClasses(JsonObject json) {
        if (json.has("id2label")) {
            return json.getAsJsonObject("id2label").size();
        }
        if (json.has("num_labels")) {
            return json.get("num_labels").getAsInt();
        }
        return 2; // transformers' PretrainedConfig default
    }

    private static double[] doubles(JsonElement e) {
        if (e.isJsonPrimitive()) {
            double v = e.getAsDouble();
            return new double[] {v, v, v};
        }
        var array = e.getAsJsonArray();
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).getAsDouble();
        }
        return out;
    }
}
