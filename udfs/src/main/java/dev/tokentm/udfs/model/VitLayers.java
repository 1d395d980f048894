package dev.tokentm.udfs.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;

/**
 * The ViT's layers as functions of its weights, as timm's {@code VisionTransformer} computes them:
 * patch embedding with prefix tokens and positions, pre-norm blocks (attention then MLP, exact GELU),
 * final norm and head on [CLS]. {@link VisionTransformer} runs them in its scopes and passes.
 */
final class VitLayers {

    private final VitConfig config;
    private final VitParameters parameters;

    VitLayers(VitConfig config, VitParameters parameters) {
        this.config = config;
        this.parameters = parameters;
    }

    /** Patch embedding, prefix tokens and position embedding: {@code [B,C,H,W] -> [B,N,D]}. */
    NDArray embed(NDArray images) {
        long batch = images.getShape().get(0);
        long d = config.embedDim();
        NDArray patches = Conv2d.conv2d(
                        images,
                        parameters.get("patch_embed.proj.weight"),
                        parameters.get("patch_embed.proj.bias"),
                        new Shape(config.patchSize(), config.patchSize()))
                .singletonOrThrow();
        patches = patches.reshape(batch, d, config.numPatches()).transpose(0, 2, 1);
        NDList tokens = new NDList();
        tokens.add(prefixToken("cls_token", batch, patches.getManager()));
        if (config.distillationToken()) {
            tokens.add(prefixToken("dist_token", batch, patches.getManager()));
        }
        if (config.registerTokens() > 0) {
            tokens.add(prefixToken("reg_token", batch, patches.getManager()));
        }
        tokens.add(patches);
        return NDArrays.concat(tokens, 1).add(parameters.get("pos_embed"));
    }

    /**
     * A learned token repeated over the batch, owned by the call's scope: DJL gives a result to
     * its first operand's manager, which here would be the weights', growing it on every call.
     */
    private NDArray prefixToken(String name, long batch, NDManager scope) {
        NDArray learned = parameters.get(name);
        NDArray token = learned.broadcast(batch, learned.getShape().get(1), config.embedDim());
        token.attach(scope);
        return token;
    }

    /**
     * One pre-norm transformer block, {@code x + attn(norm1(x))} then {@code + mlp(norm2(.))}, with
     * the hook applied at every {@link TracePoint}; its backward pass follows {@code rules}, its
     * values do not depend on them.
     */
    BlockActivations block(int i, NDArray x, ForwardHook hook, GradientRules rules) {
        String p = "blocks." + i + ".";
        x = hook.onTensor(i, TracePoint.BLOCK_INPUT, x);
        Shape shape = x.getShape();
        long b = shape.get(0);
        long n = shape.get(1);
        long d = shape.get(2);
        long heads = config.numHeads();
        long hd = config.headDim();

        NDArray norm1 = hook.onTensor(i, TracePoint.ATTENTION_NORM, layerNorm(x, p + "norm1", rules));
        NDArray qkv = linear(norm1, p + "attn.qkv").reshape(b, n, 3, heads, hd).transpose(2, 0, 3, 1, 4);
        if (rules.attention() == GradientRules.AttentionRule.UNIFORM) {
            qkv = uniformRule(qkv);
        }
        NDArray q = qkv.get(0);
        NDArray k = qkv.get(1);
        NDArray v = qkv.get(2);
        NDArray scores = hook.onTensor(
                i,
                TracePoint.ATTENTION_SCORES,
                q.mul(scalarLike(q, 1.0 / Math.sqrt(hd))).matMul(k.transpose(0, 1, 3, 2)));
        NDArray attention = hook.onTensor(i, TracePoint.ATTENTION, scores.softmax(-1));
        if (hook.wants(TracePoint.VALUE_PROJECTION)) {
            NDArray values = v.transpose(0, 2, 1, 3).reshape(b, n, d);
            hook.onTensor(i, TracePoint.VALUE_PROJECTION, linear(values, p + "attn.proj"));
        }
        NDArray mixing =
                rules.attention() == GradientRules.AttentionRule.CONSTANT ? attention.stopGradient() : attention;
        NDArray mixed = mixing.matMul(v).transpose(0, 2, 1, 3).reshape(b, n, d);
        NDArray attentionOutput = linear(mixed, p + "attn.proj");
        NDArray afterAttention = hook.onTensor(i, TracePoint.ATTENTION_RESIDUAL, x.add(attentionOutput));

        NDArray norm2 = layerNorm(afterAttention, p + "norm2", rules);
        NDArray hidden = gelu(linear(norm2, p + "mlp.fc1"), rules);
        NDArray mlp = hook.onTensor(i, TracePoint.MLP_OUTPUT, linear(hidden, p + "mlp.fc2"));
        NDArray output = hook.onTensor(i, TracePoint.BLOCK_OUTPUT, afterAttention.add(mlp));
        return new BlockActivations(
                x, norm1, q, k, v, attention, mixed, attentionOutput, afterAttention, norm2, hidden, mlp, output);
    }

    /**
     * Final norm and classifier on [CLS]; DeiT averages in the distillation head. Without a classifier,
     * the final-normed [CLS] features. The final norm's gradient follows {@code rules}.
     */
    NDArray head(NDArray x, GradientRules rules) {
        NDArray normed = layerNorm(x, "norm", rules);
        if (!config.hasClassifier()) {
            return normed.get(":, 0, :");
        }
        NDArray logits = linear(normed.get(":, 0, :"), "head");
        if (config.distillationToken()) {
            NDArray distilled = linear(normed.get(":, 1, :"), "head_dist");
            logits = logits.add(distilled).div(scalarLike(logits, 2));
        }
        return logits;
    }

    /**
     * A scalar in {@code x}'s manager, type and device. Not {@code x.mul(Number)}: DJL closes
     * that operand right after the operation, while autograd keeps reading its (Java-owned)
     * memory until the backward pass.
     */
    private static NDArray scalarLike(NDArray x, double value) {
        return x.getManager().create(value).toType(x.getDataType(), false).toDevice(x.getDevice(), false);
    }

    /**
     * LayerNorm; when {@code rules} hold its scale constant, the standard deviation is a constant for
     * gradients (the LN-rule of Ali et al., ICML 2022): y = (x - mean(x)) / [std(x)].detach() * w + b.
     */
    NDArray layerNorm(NDArray x, String name, GradientRules rules) {
        if (rules.normScaleConstant()) {
            NDArray centered = x.sub(x.mean(new int[] {-1}, true));
            NDArray std = centered.square()
                    .mean(new int[] {-1}, true)
                    .add(scalarLike(x, config.layerNormEps()))
                    .sqrt();
            return centered.div(std.stopGradient())
                    .mul(parameters.get(name + ".weight"))
                    .add(parameters.get(name + ".bias"));
        }
        return LayerNorm.layerNorm(
                        x,
                        new Shape(config.embedDim()),
                        parameters.get(name + ".weight"),
                        parameters.get(name + ".bias"),
                        (float) config.layerNormEps())
                .singletonOrThrow();
    }

    /** Exact GELU; under the identity rule its gradient is {@code GELU(x) / (x + 1e-10)} (lxt's epsilon). */
    private static NDArray gelu(NDArray x, GradientRules rules) {
        NDArray y = Activation.gelu(x);
        if (!rules.activationIdentity()) {
            return y;
        }
        NDArray ratio = y.div(x.add(scalarLike(x, 1e-10))).stopGradient();
        return y.stopGradient().add(withGradient(x.mul(ratio)));
    }

    /**
     * The uniform rule's gradients for {@code [q; k; v]} stacked on the first axis: q's and k's divided by 4,
     * v's by 2, as x + (c·x − [c·x]), exactly x in value.
     */
    private static NDArray uniformRule(NDArray qkv) {
        NDArray factors = qkv.getManager()
                .create(new double[] {0.25, 0.25, 0.5}, new Shape(3, 1, 1, 1, 1))
                .toType(qkv.getDataType(), false)
                .toDevice(qkv.getDevice(), false);
        return qkv.stopGradient().add(withGradient(qkv.mul(factors)));
    }

    /** Zero in value (a difference of equal numbers) with {@code y}'s gradient. */
    private static NDArray withGradient(NDArray y) {
        return y.sub(y.stopGradient());
    }

    private NDArray linear(NDArray x, String name) {
        return Linear.linear(x, parameters.get(name + ".weight"), parameters.getOptional(name + ".bias"))
                .singletonOrThrow();
    }
}
