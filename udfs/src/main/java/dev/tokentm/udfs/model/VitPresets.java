package dev.tokentm.udfs.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Architectures of common timm ViTs by name, for random-weight benchmarks and tests when no
 * checkpoint is at hand. Weights always come from a checkpoint; these are shapes only.
 */
public final class VitPresets {

    private static final Map<String, VitConfig> PRESETS = new LinkedHashMap<>();

    static {
        PRESETS.put("vit-tiny-p16-224", timm(224, 16, 192, 12, 3, 1000));
        PRESETS.put("vit-small-p16-224", timm(224, 16, 384, 12, 6, 1000));
        PRESETS.put("vit-base-p16-224", timm(224, 16, 768, 12, 12, 1000));
        // A 32-pixel, 3-block ViT for tests: 16 patches, 3 heads of width 16, 10 classes.
        PRESETS.put("vit-tiny-p8-32", timm(32, 8, 48, 3, 3, 10));
    }

    private VitPresets() {}

    /** Every preset's name. */
    public static List<String> names() {
        return List.copyOf(PRESETS.keySet());
    }

    /** The preset's config, or null when there is none of that name. */
    public static VitConfig find(String name) {
        return PRESETS.get(name);
    }

    /** The preset's config; the error lists the names. */
    public static VitConfig get(String name) {
        VitConfig config = PRESETS.get(name);
        if (config == null) {
            throw new IllegalArgumentException("no ViT preset '" + name + "'; known: " + String.join(", ", names()));
        }
        return config;
    }

    private static VitConfig timm(int imageSize, int patchSize, int embedDim, int depth, int heads, int classes) {
        return VitConfig.builder()
                .imageSize(imageSize)
                .patchSize(patchSize)
                .embedDim(embedDim)
                .depth(depth)
                .numHeads(heads)
                .numClasses(classes)
                .build();
    }
}
