package dev.tokentm.udfs.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;

/**
 * The weights of a {@link VisionTransformer}, keyed by timm's parameter names, which is the
 * project's canonical naming: checkpoints in other namings are converted to it on load.
 * Linear weights are stored as {@code [out, in]}, as in PyTorch.
 */
public final class VitParameters {

    private final VitConfig config;
    private final Map<String, NDArray> tensors;

    private VitParameters(VitConfig config, Map<String, NDArray> tensors) {
        this.config = config;
        this.tensors = tensors;
    }

    /**
     * Wraps tensors that already passed {@link #validate}. The arrays are used as they are (not
     * copied); their owner must outlive this object.
     */
    public static VitParameters of(VitConfig config, Map<String, NDArray> timmTensors) {
        List<String> problems = validate(config, timmTensors);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Tensors do not fit the architecture " + describe(config) + ":\n  - "
                    + String.join("\n  - ", problems));
        }
        Map<String, NDArray> ordered = new LinkedHashMap<>();
        for (String name : expectedShapes(config).keySet()) {
            ordered.put(name, timmTensors.get(name));
        }
        return new VitParameters(config, ordered);
    }

    /**
     * Every parameter the architecture needs, in timm naming, with its shape, in a stable order.
     */
    public static Map<String, Shape> expectedShapes(VitConfig c) {
        long d = c.embedDim();
        long h = c.mlpHiddenDim();
        Map<String, Shape> s = new LinkedHashMap<>();
        s.put("patch_embed.proj.weight", new Shape(d, c.channels(), c.patchSize(), c.patchSize()));
        s.put("patch_embed.proj.bias", new Shape(d));
        s.put("cls_token", new Shape(1, 1, d));
        if (c.distillationToken()) {
            s.put("dist_token", new Shape(1, 1, d));
        }
        if (c.registerTokens() > 0) {
            s.put("reg_token", new Shape(1, c.registerTokens(), d));
        }
        s.put("pos_embed", new Shape(1, c.numTokens(), d));
        for (int i = 0; i < c.depth(); i++) {
            String p = "blocks." + i + ".";
            s.put(p + "norm1.weight", new Shape(d));
            s.put(p + "norm1.bias", new Shape(d));
            s.put(p + "attn.qkv.weight", new Shape(3 * d, d));
            if (c.qkvBias()) {
                s.put(p + "attn.qkv.bias", new Shape(3 * d));
            }
            s.put(p + "attn.proj.weight", new Shape(d, d));
            s.put(p + "attn.proj.bias", new Shape(d));
            s.put(p + "norm2.weight", new Shape(d));
            s.put(p + "norm2.bias", new Shape(d));
            s.put(p + "mlp.fc1.weight", new Shape(h, d));
            s.put(p + "mlp.fc1.bias", new Shape(h));
            s.put(p + "mlp.fc2.weight", new Shape(d, h));
            s.put(p + "mlp.fc2.bias", new Shape(d));
        }
        s.put("norm.weight", new Shape(d));
        s.put("norm.bias", new Shape(d));
        if (!c.hasClassifier()) {
            return s;
        }
        s.put("head.weight", new Shape(c.numClasses(), d));
        s.put("head.bias", new Shape(c.numClasses()));
        if (c.distillationToken()) {
            s.put("head_dist.weight", new Shape(c.numClasses(), d));
            s.put("head_dist.bias", new Shape(c.numClasses()));
        }
        return s;
    }

    /**
     * Compares tensors with what the architecture needs: one line per missing, unexpected or
     * wrongly shaped tensor; empty when they fit.
     */
    public static List<String> validate(VitConfig config, Map<String, NDArray> tensors) {
        Map<String, Shape> expected = expectedShapes(config);
        List<String> missing = new ArrayList<>();
        List<String> wrongShape = new ArrayList<>();
        for (Map.Entry<String, Shape> e : expected.entrySet()) {
            NDArray t = tensors.get(e.getKey());
            if (t == null) {
                missing.add(e.getKey() + " " + e.getValue());
            } else if (!t.getShape().equals(e.getValue())) {
                wrongShape.add(e.getKey() + " is " + t.getShape() + ", expected " + e.getValue());
            }
        }
        List<String> unexpected = new ArrayList<>();
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            if (!expected.containsKey(e.getKey())) {
                unexpected.add(e.getKey() + " " + e.getValue().getShape());
            }
        }
        List<String> problems = new ArrayList<>();
        missing.forEach(m -> problems.add("missing: " + m));
        unexpected.forEach(u -> problems.add("unexpected: " + u));
        wrongShape.forEach(w -> problems.add("wrong shape: " + w));
        return problems;
    }

    static String describe(VitConfig c) {
        return "(image " + c.imageSize() + ", patch " + c.patchSize() + ", dim " + c.embedDim() + ", depth "
                + c.depth() + ", heads " + c.numHeads() + ", mlp " + c.mlpHiddenDim() + ", classes "
                + c.numClasses() + (c.distillationToken() ? ", distilled" : "")
                + (c.registerTokens() > 0 ? ", " + c.registerTokens() + " registers" : "") + ")";
    }

    /**
     * Random weights in float32 as timm initializes a fresh model (normal, std 0.02, for weights
     * and tokens; LayerNorm scale 1 and shift 0), deterministic by seed. For tests and benchmarks.
     */
    public static VitParameters random(VitConfig config, NDManager manager, long seed) {
        Random random = new Random(seed);
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : expectedShapes(config).entrySet()) {
            String name = e.getKey();
            Shape shape = e.getValue();
            float[] values = new float[Math.toIntExact(shape.size())];
            boolean isNorm = name.contains("norm");
            for (int i = 0; i < values.length; i++) {
                if (isNorm) {
                    values[i] = name.endsWith(".weight") ? 1f : 0f;
                } else {
                    values[i] = (float) (random.nextGaussian() * 0.02);
                }
            }
            tensors.put(name, manager.create(values, shape));
        }
        return of(config, tensors);
    }

    /** The architecture these weights belong to. */
    public VitConfig config() {
        return config;
    }

    /** One tensor by its timm name. */
    public NDArray get(String name) {
        NDArray t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no parameter named " + name);
        }
        return t;
    }

    /** The tensor, or null when the architecture has no such parameter (qkv bias, distillation). */
    NDArray getOptional(String name) {
        return tensors.get(name);
    }

    /** All tensors in canonical order (read-only view). */
    public Map<String, NDArray> tensors() {
        return java.util.Collections.unmodifiableMap(tensors);
    }

    /** Total number of scalar weights. */
    public long count() {
        return tensors.values().stream().mapToLong(t -> t.getShape().size()).sum();
    }

    /** A copy with every tensor mapped through {@code f} (for example a dtype or device change). */
    VitParameters map(UnaryOperator<NDArray> f) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> out.put(k, f.apply(v)));
        return new VitParameters(config, out);
    }

    /** A copy of these weights in {@code type} (float64 for gradient checks), owned by {@code manager}. */
    public VitParameters toType(DataType type, NDManager manager) {
        return map(t -> {
            NDArray c = t.toType(type, true);
            c.attach(manager);
            return c;
        });
    }
}
