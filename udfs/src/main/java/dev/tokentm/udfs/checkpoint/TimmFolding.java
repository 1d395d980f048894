package dev.tokentm.udfs.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rewrites two timm variants into the plain ViT they equal, so the model and every explainer see
 * one architecture:
 *
 * <ul>
 *   <li><b>LayerScale</b> (DeiT III, {@code init_values}): {@code x + γ₁ ⊙ proj(·)} and
 *       {@code x + γ₂ ⊙ fc2(·)}. A per-channel scale after a linear layer is that layer with its
 *       rows scaled: {@code γ ⊙ (W a + b) = (diag(γ) W) a + γ ⊙ b}, so {@code ls1.gamma} folds into
 *       {@code attn.proj} and {@code ls2.gamma} into {@code mlp.fc2}.
 *   <li><b>Patch-only position embedding</b> ({@code no_embed_class}, DeiT III, DINOv2 with
 *       registers): timm adds {@code pos_embed} to the patch tokens before prepending [CLS] (and the
 *       distillation or register tokens),
 *       which equals adding a {@code pos_embed} whose prefix rows are zero.
 * </ul>
 */
final class TimmFolding {

    /** Folded tensors and one phrase per fold made (empty when the checkpoint is a plain ViT). */
    record Folded(Map<String, NDArray> tensors, List<String> folds) {}

    private TimmFolding() {}

    static Folded fold(Map<String, NDArray> timm) {
        Map<String, NDArray> out = new LinkedHashMap<>(timm);
        List<String> folds = new ArrayList<>();
        int scaled = 0;
        for (String name : timm.keySet()) {
            if (!name.startsWith("blocks.") || !(name.endsWith(".ls1.gamma") || name.endsWith(".ls2.gamma"))) {
                continue;
            }
            String block = name.substring(0, name.length() - "ls1.gamma".length());
            String layer = block + (name.endsWith(".ls1.gamma") ? "attn.proj" : "mlp.fc2");
            NDArray gamma = out.remove(name);
            NDArray weight = out.get(layer + ".weight");
            NDArray bias = out.get(layer + ".bias");
            if (weight == null
                    || gamma.getShape().dimension() != 1
                    || weight.getShape().get(0) != gamma.size()) {
                out.put(name, gamma); // left for validation to report
                continue;
            }
            out.put(layer + ".weight", weight.mul(gamma.reshape(gamma.size(), 1)));
            weight.close();
            if (bias != null) {
                out.put(layer + ".bias", bias.mul(gamma));
                bias.close();
            }
            gamma.close();
            scaled++;
        }
        if (scaled > 0) {
            folds.add("LayerScale folded into " + scaled + " projections");
        }
        NDArray pos = out.get("pos_embed");
        NDArray registers = out.get("reg_token");
        long prefix = (out.containsKey("cls_token") ? 1 : 0)
                + (out.containsKey("dist_token") ? 1 : 0)
                + (registers != null && registers.getShape().dimension() == 3
                        ? registers.getShape().get(1)
                        : 0);
        if (pos != null
                && pos.getShape().dimension() == 3
                && prefix > 0
                && isSquare(pos.getShape().get(1))) {
            Shape s = pos.getShape();
            NDArray zeros = pos.getManager().zeros(new Shape(1, prefix, s.get(2)), pos.getDataType());
            out.put("pos_embed", NDArrays.concat(new NDList(zeros, pos), 1));
            zeros.close();
            pos.close();
            folds.add("patch-only position embedding given zero rows for the prefix tokens");
        }
        return new Folded(out, folds);
    }

    /**
     * A patch grid's token count. A sequence with prefix tokens is never square: 1 + g² and
     * 2 + g² are squares only for g = 0.
     */
    static boolean isSquare(long n) {
        long r = Math.round(Math.sqrt(n));
        return n > 0 && r * r == n;
    }
}
