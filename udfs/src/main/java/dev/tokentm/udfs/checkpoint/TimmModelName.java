package dev.tokentm.udfs.checkpoint;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The architecture a timm model name stands for, in the ViT and DeiT families timm registers in
 * {@code vision_transformer.py} and {@code deit.py}: {@code vit_<size>_patch<P>_<resolution>},
 * {@code deit_<size>[_distilled]_patch<P>_<resolution>} and {@code deit3_<size>_patch<P>_<resolution>},
 * their register ({@code _reg4}) and DINOv2 ({@code vit_small_patch14_reg4_dinov2}, 518 px) forms, with
 * an optional pretrained tag after a dot ({@code vit_small_patch16_224.augreg_in21k_ft_in1k},
 * {@code vit_small_patch16_224.dino}).
 * The result is in {@link TimmMetadata}'s flat form, so {@code model_args} can override any key.
 * DeiT III's LayerScale and patch-only position embedding show in the tensors and are folded there
 * ({@link TimmFolding}).
 */
final class TimmModelName {

    /** Width, depth and heads of timm's named sizes. */
    private enum Size {
        TINY(192, 12, 3),
        SMALL(384, 12, 6),
        MEDIUM(512, 12, 8),
        BASE(768, 12, 12),
        LARGE(1024, 24, 16),
        HUGE(1280, 32, 16);

        final int width;
        final int depth;
        final int heads;

        Size(int width, int depth, int heads) {
            this.width = width;
            this.depth = depth;
            this.heads = heads;
        }
    }

    private static final Pattern NAME =
            Pattern.compile("(vit|deit|deit3)_(tiny|small|medium|base|large|huge)(_distilled)?"
                    + "_patch(\\d+)(?:_reg(\\d+))?(_gap)?_(?:(\\d+)|(dinov2))(_[a-z0-9_]+)?");

    /** DINOv2's resolution, which its names do not state. */
    private static final String DINOV2_SIZE = "518";

    private TimmModelName() {}

    /** Heads timm gives a width: its named sizes', else one head per 64 channels; 0 when neither fits. */
    static int conventionalHeads(int width) {
        for (Size s : Size.values()) {
            if (s.width == width) {
                return s.heads;
            }
        }
        return width % 64 == 0 ? width / 64 : 0;
    }

    /**
     * The name's architecture as flat keys ({@code img_size}, {@code patch_size}, {@code embed_dim},
     * {@code depth}, {@code num_heads}, {@code distilled}, and {@code qkv_bias} for MIIL's models).
     *
     * @throws CheckpointException naming the families this reads when the name is not one of them
     */
    static Map<String, String> architecture(String name, String source) {
        String base = name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
        Matcher m = NAME.matcher(base.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new CheckpointException("The architecture '" + name + "' in " + source + " is not a ViT or DeiT this "
                    + "tool reads (vit_<size>_patch<P>_<resolution>, deit_<size>[_distilled]_patch<P>_<resolution>, "
                    + "deit3_<size>_patch<P>_<resolution>; sizes tiny, small, medium, base, large, huge)");
        }
        Size size = Size.valueOf(m.group(2).toUpperCase(Locale.ROOT));
        boolean distilled = m.group(3) != null;
        if (distilled && !m.group(1).equals("deit")) {
            throw new CheckpointException("The architecture '" + name + "' in " + source
                    + " is not a timm model: only deit_ models are distilled");
        }
        Map<String, String> flat = new LinkedHashMap<>();
        if (m.group(6) != null) {
            throw new CheckpointException("The architecture '" + name + "' in " + source + " pools the patch tokens "
                    + "(_gap); the explainers read the [CLS] token: 'token' pooling only");
        }
        flat.put("img_size", m.group(7) != null ? m.group(7) : DINOV2_SIZE);
        flat.put("patch_size", m.group(4));
        if (m.group(5) != null) {
            flat.put("reg_tokens", m.group(5));
        }
        flat.put("embed_dim", Integer.toString(size.width));
        flat.put("depth", Integer.toString(size.depth));
        flat.put("num_heads", Integer.toString(size.heads));
        flat.put("distilled", Boolean.toString(distilled));
        if ("_miil".equals(m.group(9))) {
            flat.put("qkv_bias", "false"); // vit_base_patch16_224_miil: timm builds it with qkv_bias=False
        }
        return flat;
    }
}
