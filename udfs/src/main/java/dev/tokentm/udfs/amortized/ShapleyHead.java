package dev.tokentm.udfs.amortized;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import dev.tokentm.udfs.model.VitConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * ViT Shapley's explainer head (Covert et al., ICLR 2023; suinleelab/vit-shapley {@code explainer.py}
 * with their settings: one attention block, [CLS] included, LayerNorm, three linear layers of ratio 4,
 * tanh): on the backbone's final-normed tokens, a transformer block without its first norm (the tokens
 * are normed already), a LayerNorm, {@code D → 4D → 4D → classes} with GELU between, and tanh; the
 * prefix tokens' rows are dropped, leaving a value per patch and class, {@code [B, P, C]}. Its weights
 * are named {@code head.*}.
 */
public final class ShapleyHead {

    private final VitConfig config;
    private final Map<String, NDArray> weights;

    /** @param weights every tensor of {@link #shapes}, by name */
    public ShapleyHead(VitConfig config, Map<String, NDArray> weights) {
        this.config = config;
        this.weights = Map.copyOf(weights);
        for (Map.Entry<String, Shape> e : shapes(config).entrySet()) {
            NDArray w = weights.get(e.getKey());
            if (w == null || !w.getShape().equals(e.getValue())) {
                throw new IllegalArgumentException("ViT Shapley head: " + e.getKey() + " should be " + e.getValue()
                        + ", is " + (w == null ? "missing" : w.getShape()));
            }
        }
    }

    /** Every weight's shape for a backbone of this config (its width, heads, MLP ratio and classes). */
    public static Map<String, Shape> shapes(VitConfig c) {
        long d = c.embedDim();
        long h = c.mlpHiddenDim();
        long wide = 4 * d;
        Map<String, Shape> s = new LinkedHashMap<>();
        s.put("head.attn.qkv.weight", new Shape(3 * d, d));
        s.put("head.attn.qkv.bias", new Shape(3 * d));
        s.put("head.attn.proj.weight", new Shape(d, d));
        s.put("head.attn.proj.bias", new Shape(d));
        s.put("head.norm2.weight", new Shape(d));
        s.put("head.norm2.bias", new Shape(d));
        s.put("head.mlp.fc1.weight", new Shape(h, d));
        s.put("head.mlp.fc1.bias", new Shape(h));
        s.put("head.mlp.fc2.weight", new Shape(d, h));
        s.put("head.mlp.fc2.bias", new Shape(d));
        s.put("head.norm.weight", new Shape(d));
        s.put("head.norm.bias", new Shape(d));
        s.put("head.out.0.weight", new Shape(wide, d));
        s.put("head.out.0.bias", new Shape(wide));
        s.put("head.out.1.weight", new Shape(wide, wide));
        s.put("head.out.1.bias", new Shape(wide));
        s.put("head.out.2.weight", new Shape(c.numClasses(), wide));
        s.put("head.out.2.bias", new Shape(c.numClasses()));
        return s;
    }

    /** timm's initialization: weights normal with std 0.02, biases 0, norms' scales 1; float32. */
    public static Map<String, NDArray> random(VitConfig c, NDManager manager, long seed) {
        Random random = new Random(seed);
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : shapes(c).entrySet()) {
            float[] v = new float[Math.toIntExact(e.getValue().size())];
            boolean norm = e.getKey().contains("norm");
            for (int i = 0; i < v.length; i++) {
                if (e.getKey().endsWith(".weight")) {
                    v[i] = norm ? 1f : (float) (0.02 * random.nextGaussian());
                }
            }
            out.put(e.getKey(), manager.create(v, e.getValue()));
        }
        return out;
    }

    public Map<String, NDArray> weights() {
        return weights;
    }

    /**
     * The head on final-normed tokens {@code [B, N, D]}: values {@code [B, P, C]} in (−1, 1), before the
     * efficiency normalization. Records gradients when autograd is on.
     */
    public NDArray forward(NDArray tokens) {
        Shape s = tokens.getShape();
        long b = s.get(0);
        long n = s.get(1);
        long d = s.get(2);
        long heads = config.numHeads();
        long hd = config.headDim();
        NDArray qkv =
                linear(tokens, "head.attn.qkv").reshape(b, n, 3, heads, hd).transpose(2, 0, 3, 1, 4);
        NDArray scale = scalar(tokens, 1.0 / Math.sqrt(hd));
        NDArray attention =
                qkv.get(0).mul(scale).matMul(qkv.get(1).transpose(0, 1, 3, 2)).softmax(-1);
        NDArray mixed = attention.matMul(qkv.get(2)).transpose(0, 2, 1, 3).reshape(b, n, d);
        NDArray x = tokens.add(linear(mixed, "head.attn.proj"));
        x = x.add(linear(Activation.gelu(linear(norm(x, "head.norm2"), "head.mlp.fc1")), "head.mlp.fc2"));
        NDArray y = Activation.gelu(linear(norm(x, "head.norm"), "head.out.0"));
        y = linear(Activation.gelu(linear(y, "head.out.1")), "head.out.2").tanh();
        return y.get(":, " + config.numPrefixTokens() + ":, :");
    }

    /** A scalar kept in {@code x}'s manager (autograd reads it in the backward pass). */
    private static NDArray scalar(NDArray x, double value) {
        return x.getManager().create(value).toType(x.getDataType(), false).toDevice(x.getDevice(), false);
    }

    private NDArray norm(NDArray x, String name) {
        return LayerNorm.layerNorm(
                        x,
                        new Shape(config.embedDim()),
                        weights.get(name + ".weight"),
                        weights.get(name + ".bias"),
                        (float) config.layerNormEps())
                .singletonOrThrow();
    }

    private NDArray linear(NDArray x, String name) {
        return Linear.linear(x, weights.get(name + ".weight"), weights.get(name + ".bias"))
                .singletonOrThrow();
    }

    /** The weights converted, for a model in another type or on another device. */
    static Map<String, NDArray> converted(Map<String, NDArray> weights, DataType type, NDManager manager) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        weights.forEach((k, v) -> {
            NDArray c = v.toDevice(manager.getDevice(), true).toType(type, true);
            c.attach(manager);
            out.put(k, c);
        });
        return out;
    }
}
