package dev.tokentm.udfs.checkpoint;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import dev.tokentm.udfs.model.Preprocessing;
import dev.tokentm.udfs.model.VitConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The architecture as flat key/value strings named after timm's {@code VisionTransformer}
 * arguments and data config ({@code img_size}, {@code patch_size}, {@code embed_dim},
 * {@code depth}, {@code num_heads}, {@code mlp_ratio}, {@code qkv_bias}, {@code layer_norm_eps},
 * {@code num_classes} (0: no classifier), {@code in_chans}, {@code class_token}, {@code distilled},
 * {@code reg_tokens}, {@code mean},
 * {@code std}, {@code crop_pct}, {@code interpolation}, {@code class_names}). This is the form of
 * a safetensors header's {@code __metadata__} and of the project's own sidecar JSON.
 */
public final class TimmMetadata {

    private static final Gson GSON = new Gson();
    static final List<String> REQUIRED =
            List.of("img_size", "patch_size", "embed_dim", "depth", "num_heads", "num_classes");

    private TimmMetadata() {}

    /** Whether the map names an architecture at all. */
    public static boolean describesArchitecture(Map<String, String> meta) {
        return meta.keySet().stream().anyMatch(REQUIRED::contains);
    }

    /** The architecture; throws listing every missing or malformed key. */
    public static VitConfig toConfig(Map<String, String> meta, String source) {
        List<String> problems = new ArrayList<>();
        for (String key : REQUIRED) {
            if (!meta.containsKey(key)) {
                problems.add("missing '" + key + "'");
            }
        }
        if (!problems.isEmpty()) {
            throw new CheckpointException("The architecture in " + source + " is incomplete: "
                    + String.join(", ", problems) + " (keys found: " + meta.keySet() + ")");
        }
        try {
            int imageSize = integer(meta, "img_size");
            int channels = meta.containsKey("in_chans") ? integer(meta, "in_chans") : 3;
            double cropPct = meta.containsKey("crop_pct") ? Double.parseDouble(meta.get("crop_pct")) : 0.875;
            double[] mean = meta.containsKey("mean") ? doubles(meta.get("mean")) : Preprocessing.IMAGENET_MEAN;
            double[] std = meta.containsKey("std") ? doubles(meta.get("std")) : Preprocessing.IMAGENET_STD;
            String interpolation = meta.getOrDefault("interpolation", "bicubic");
            Preprocessing.ResizeMode mode = meta.containsKey("resize_mode")
                    ? Preprocessing.ResizeMode.valueOf(meta.get("resize_mode").toUpperCase(Locale.ROOT))
                    : Preprocessing.ResizeMode.SHORTER_SIDE;
            int resize = (int) Math.floor(imageSize / cropPct);
            return new VitConfig(
                    imageSize,
                    integer(meta, "patch_size"),
                    channels,
                    integer(meta, "embed_dim"),
                    integer(meta, "depth"),
                    integer(meta, "num_heads"),
                    meta.containsKey("mlp_ratio") ? Double.parseDouble(meta.get("mlp_ratio")) : 4.0,
                    !meta.containsKey("qkv_bias") || bool(meta.get("qkv_bias")),
                    meta.containsKey("layer_norm_eps") ? Double.parseDouble(meta.get("layer_norm_eps")) : 1e-6,
                    integer(meta, "num_classes"),
                    !meta.containsKey("class_token") || bool(meta.get("class_token")),
                    meta.containsKey("distilled") && bool(meta.get("distilled")),
                    meta.containsKey("reg_tokens") ? integer(meta, "reg_tokens") : 0,
                    new Preprocessing(resize, imageSize, mode, interpolation, mean, std));
        } catch (NumberFormatException | JsonParseException e) {
            throw new CheckpointException(
                    "The architecture in " + source + " has a malformed value: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("The architecture in " + source + " is not valid: " + e.getMessage(), e);
        }
    }

    /** Class names from {@code class_names} (a JSON array), or null when absent. */
    public static List<String> classNames(Map<String, String> meta) {
        String json = meta.get("class_names");
        if (json == null) {
            return null;
        }
        List<String> names = new ArrayList<>();
        for (JsonElement e : GSON.fromJson(json, JsonArray.class)) {
            names.add(e.getAsString());
        }
        return names;
    }

    /** The metadata that {@link #toConfig} reads back as {@code config}, with class names if given. */
    public static Map<String, String> fromConfig(VitConfig c, List<String> classNames) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("format", "timm");
        m.put("img_size", Integer.toString(c.imageSize()));
        m.put("patch_size", Integer.toString(c.patchSize()));
        m.put("in_chans", Integer.toString(c.channels()));
        m.put("embed_dim", Integer.toString(c.embedDim()));
        m.put("depth", Integer.toString(c.depth()));
        m.put("num_heads", Integer.toString(c.numHeads()));
        m.put("mlp_ratio", Double.toString(c.mlpRatio()));
        m.put("qkv_bias", c.qkvBias() ? "True" : "False");
        m.put("layer_norm_eps", Double.toString(c.layerNormEps()));
        m.put("num_classes", Integer.toString(c.numClasses()));
        m.put("class_token", c.classToken() ? "True" : "False");
        m.put("distilled", c.distillationToken() ? "True" : "False");
        m.put("reg_tokens", Integer.toString(c.registerTokens()));
        Preprocessing p = c.preprocessing();
        m.put("mean", GSON.toJson(p.mean()));
        m.put("std", GSON.toJson(p.std()));
        m.put("crop_pct", Double.toString(p.cropFraction()));
        m.put("interpolation", p.interpolation());
        m.put("resize_mode", p.resizeMode().name().toLowerCase(Locale.ROOT));
        if (classNames != null) {
            m.put("class_names", GSON.toJson(classNames));
        }
        return m;
    }

    /** Flattens a JSON object (the project's sidecar file) into metadata strings. */
    static Map<String, String> fromJson(com.google.gson.JsonObject json) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : json.entrySet()) {
            JsonElement v = e.getValue();
            m.put(e.getKey(), v.isJsonPrimitive() ? v.getAsString() : v.toString());
        }
        return m;
    }

    private static int integer(Map<String, String> meta, String key) {
        String v = meta.get(key).trim();
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            double d = Double.parseDouble(v);
            if (d != Math.rint(d)) {
                throw new NumberFormatException(key + " must be a whole number, got " + v);
            }
            return (int) d;
        }
    }

    private static boolean bool(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        if (s.equals("true") || s.equals("1")) {
            return true;
        }
        if (s.equals("false") || s.equals("0")) {
            return false;
        }
        throw new NumberFormatException("expected a boolean, got " + v);
    }

    private static double[] doubles(String v) {
        String s = v.trim();
        if (!s.startsWith("[")) {
            s = "[" + s + "]";
        }
        JsonArray array = GSON.fromJson(s, JsonArray.class);
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).getAsDouble();
        }
        return out;
    }
}
