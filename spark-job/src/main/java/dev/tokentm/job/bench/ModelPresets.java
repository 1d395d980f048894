package dev.tokentm.job.bench;

import dev.tokentm.udfs.model.VitConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/** Architectures of common timm ViTs, for benchmarking with random weights when no checkpoint is at hand. */
final class ModelPresets {

    static final Map<String, VitConfig> PRESETS = new LinkedHashMap<>();

    static {
        PRESETS.put("vit-tiny-p16-224", VitConfig.timm(224, 16, 192, 12, 3, 1000));
        PRESETS.put("vit-small-p16-224", VitConfig.timm(224, 16, 384, 12, 6, 1000));
        PRESETS.put("vit-base-p16-224", VitConfig.timm(224, 16, 768, 12, 12, 1000));
        PRESETS.put("vit-tiny-p8-32", VitConfig.timm(32, 8, 48, 3, 3, 10));
    }

    private ModelPresets() {}
}
