package dev.tokentm.udfs.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tensor naming conventions of checkpoints, each converted to timm's, the project's canonical
 * naming. Tensors a convention does not know keep their names, so validation lists them as
 * unexpected.
 */
public enum CheckpointNaming {

    /** timm's {@code VisionTransformer} (and DeiT's {@code dist_token}, {@code head_dist}). */
    TIMM {
        @Override
        Map<String, NDArray> toTimm(Map<String, NDArray> tensors) {
            return new LinkedHashMap<>(tensors);
        }
    },

    /** Hugging Face {@code ViTForImageClassification}: separate query/key/value, {@code vit.} prefix. */
    HUGGING_FACE {
        private final Pattern layer = Pattern.compile("vit\\.encoder\\.layer\\.(\\d+)\\.(.+)");

        @Override
        Map<String, NDArray> toTimm(Map<String, NDArray> tensors) {
            Map<String, NDArray> out = new LinkedHashMap<>();
            Map<String, NDArray[]> qkv = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
                String name = e.getKey();
                NDArray t = e.getValue();
                if (name.equals("vit.embeddings.mask_token") || name.startsWith("vit.pooler.")) {
                    continue; // used only for masked-image pre-training and by ViTModel's pooler
                }
                Matcher m = layer.matcher(name);
                if (m.matches()) {
                    String block = "blocks." + m.group(1) + ".";
                    String rest = m.group(2);
                    Matcher part = Pattern.compile("attention\\.attention\\.(query|key|value)\\.(weight|bias)")
                            .matcher(rest);
                    if (part.matches()) {
                        String target = block + "attn.qkv." + part.group(2);
                        int slot =
                                switch (part.group(1)) {
                                    case "query" -> 0;
                                    case "key" -> 1;
                                    default -> 2;
                                };
                        qkv.computeIfAbsent(target, k -> new NDArray[3])[slot] = t;
                        continue;
                    }
                    String mapped =
                            switch (rest) {
                                case "layernorm_before.weight" -> "norm1.weight";
                                case "layernorm_before.bias" -> "norm1.bias";
                                case "layernorm_after.weight" -> "norm2.weight";
                                case "layernorm_after.bias" -> "norm2.bias";
                                case "attention.output.dense.weight" -> "attn.proj.weight";
                                case "attention.output.dense.bias" -> "attn.proj.bias";
                                case "intermediate.dense.weight" -> "mlp.fc1.weight";
                                case "intermediate.dense.bias" -> "mlp.fc1.bias";
                                case "output.dense.weight" -> "mlp.fc2.weight";
                                case "output.dense.bias" -> "mlp.fc2.bias";
                                default -> null;
                            };
                    out.put(mapped == null ? name : block + mapped, t);
                    continue;
                }
                String mapped =
                        switch (name) {
                            case "vit.embeddings.cls_token" -> "cls_token";
                            case "vit.embeddings.position_embeddings" -> "pos_embed";
                            case "vit.embeddings.patch_embeddings.projection.weight" -> "patch_embed.proj.weight";
                            case "vit.embeddings.patch_embeddings.projection.bias" -> "patch_embed.proj.bias";
                            case "vit.layernorm.weight" -> "norm.weight";
                            case "vit.layernorm.bias" -> "norm.bias";
                            case "classifier.weight" -> "head.weight";
                            case "classifier.bias" -> "head.bias";
                            default -> name;
                        };
                out.put(mapped, t);
            }
            for (Map.Entry<String, NDArray[]> e : qkv.entrySet()) {
                NDArray[] parts = e.getValue();
                String[] labels = {"query", "key", "value"};
                for (int i = 0; i < 3; i++) {
                    if (parts[i] == null) {
                        throw new CheckpointException("Hugging Face checkpoint has no " + labels[i] + " tensor for "
                                + e.getKey() + " (query, key and value are needed together)");
                    }
                }
                out.put(e.getKey(), NDArrays.concat(new NDList(parts[0], parts[1], parts[2]), 0));
            }
            return out;
        }
    };

    /** Renames (and where needed combines) tensors into timm's naming. */
    abstract Map<String, NDArray> toTimm(Map<String, NDArray> tensors);

    /** The convention the tensor names follow. */
    public static CheckpointNaming detect(Iterable<String> names, String source) {
        boolean timm = false;
        boolean hf = false;
        StringBuilder sample = new StringBuilder();
        int shown = 0;
        for (String n : names) {
            timm |= n.equals("patch_embed.proj.weight");
            hf |= n.startsWith("vit.embeddings.");
            if (shown++ < 6) {
                sample.append(shown > 1 ? ", " : "").append(n);
            }
        }
        if (timm) {
            return TIMM;
        }
        if (hf) {
            return HUGGING_FACE;
        }
        throw new CheckpointException(source + " is neither a timm ViT/DeiT (patch_embed.proj.weight, blocks.N...) "
                + "nor a Hugging Face ViTForImageClassification "
                + "(vit.embeddings..., vit.encoder.layer.N...) checkpoint; "
                + "its tensors start with: " + sample);
    }
}
