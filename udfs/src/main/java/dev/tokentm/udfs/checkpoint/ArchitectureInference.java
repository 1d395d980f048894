package dev.tokentm.udfs.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The architecture a checkpoint's tensors show (timm naming, after {@link TimmFolding}), in
 * {@link TimmMetadata}'s flat form: width, channels and patch size from {@code patch_embed.proj.weight},
 * the grid and so the resolution from {@code pos_embed}, depth from the blocks, classes from the
 * head (none without one: a backbone such as DINO's), MLP ratio, qkv bias, the distillation token and
 * the register tokens ({@code reg_token}). Heads do not show in any shape; they follow
 * timm's convention ({@link TimmModelName#conventionalHeads}). Preprocessing is the naming's
 * default: timm's (ImageNet statistics, bicubic, crop 0.875) or Hugging Face's (0.5, bilinear).
 */
final class ArchitectureInference {

    /** The inferred keys, and which of them are conventions rather than read from a shape. */
    record Inferred(Map<String, String> flat, List<String> conventions) {}

    private ArchitectureInference() {}

    static Inferred infer(Map<String, NDArray> timm, CheckpointNaming naming, String source) {
        Map<String, String> flat = new LinkedHashMap<>();
        List<String> conventions = new ArrayList<>();
        Shape patch = shape(timm, "patch_embed.proj.weight");
        Shape pos = shape(timm, "pos_embed");
        Shape head = shape(timm, "head.weight");
        if (patch == null || patch.dimension() != 4 || pos == null || pos.dimension() != 3) {
            throw new CheckpointException(source + " has no architecture in a config or its metadata, and its tensors "
                    + "do not show one (patch_embed.proj.weight [D, C, P, P] and pos_embed [1, N, D] are needed)");
        }
        int width = (int) patch.get(0);
        boolean distilled = timm.containsKey("dist_token");
        Shape registers = shape(timm, "reg_token");
        long registerTokens = registers == null || registers.dimension() != 3 ? 0 : registers.get(1);
        long patches = pos.get(1) - 1 - (distilled ? 1 : 0) - registerTokens;
        long grid = Math.round(Math.sqrt(patches));
        if (grid * grid != patches) {
            throw new CheckpointException(
                    source + "'s pos_embed has " + pos.get(1) + " tokens, which is no square patch "
                            + "grid after the prefix tokens; give the architecture in a config");
        }
        int depth = 0;
        while (timm.containsKey("blocks." + depth + ".norm1.weight")) {
            depth++;
        }
        flat.put("img_size", Long.toString(grid * patch.get(2)));
        flat.put("patch_size", Long.toString(patch.get(2)));
        flat.put("in_chans", Long.toString(patch.get(1)));
        flat.put("embed_dim", Integer.toString(width));
        flat.put("depth", Integer.toString(depth));
        flat.put("num_classes", head == null ? "0" : Long.toString(head.get(0)));
        flat.put("distilled", Boolean.toString(distilled));
        flat.put("reg_tokens", Long.toString(registerTokens));
        flat.put("qkv_bias", Boolean.toString(timm.containsKey("blocks.0.attn.qkv.bias")));
        Shape fc1 = shape(timm, "blocks.0.mlp.fc1.weight");
        if (fc1 != null && width > 0) {
            flat.put("mlp_ratio", Double.toString((double) fc1.get(0) / width));
        }
        int heads = TimmModelName.conventionalHeads(width);
        if (heads > 0) {
            flat.put("num_heads", Integer.toString(heads));
            conventions.add(heads + " heads (timm's convention for width " + width + ")");
        }
        if (naming == CheckpointNaming.HUGGING_FACE) {
            flat.put("mean", "[0.5, 0.5, 0.5]");
            flat.put("std", "[0.5, 0.5, 0.5]");
            flat.put("interpolation", "bilinear");
            flat.put("crop_pct", "1.0");
            flat.put("resize_mode", "exact");
            flat.put("layer_norm_eps", "1e-12");
            conventions.add("Hugging Face's preprocessing (mean and std 0.5, bilinear, no crop)");
        } else {
            conventions.add("timm's default preprocessing (ImageNet mean and std, bicubic, crop 0.875)");
        }
        return new Inferred(flat, conventions);
    }

    private static Shape shape(Map<String, NDArray> tensors, String name) {
        NDArray t = tensors.get(name);
        return t == null ? null : t.getShape();
    }
}
