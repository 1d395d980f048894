package dev.tokentm.udfs.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tokentm.udfs.model.BlockActivations;
import dev.tokentm.udfs.model.TargetClasses;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.model.VitConfig;
import dev.tokentm.udfs.model.VitParameters;
import dev.tokentm.udfs.model.VitTrace;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Layer-wise relevance propagation through a ViT with the rules of Chefer et al. (CVPR 2021,
 * Sec. 3.1): relevance starts as the one-hot target at the classifier and flows back through
 * every layer; its value at each attention map is what Transformer Attribution weighs by the
 * gradient. The rules, per layer:
 * <ul>
 *   <li>Linear, LRP-αβ with α=1, β=0 : inputs and weights split by sign,
 *       {@code R_in = x⁺ ⊙ (S⁺ W⁺) + x⁻ ⊙ (S⁻ W⁻)}; {@link Rules#BALANCED} normalizes both parts by
 *       their joint sum, {@code S⁺ = S⁻ = R / (x⁺W⁺ᵀ + x⁻W⁻ᵀ)}, {@link Rules#ORIGINAL} each by its own,
 *       {@code S⁺ = R / x⁺W⁺ᵀ}, {@code S⁻ = R / x⁻W⁻ᵀ};</li>
 *   <li>matrix products of two inputs (q·kᵀ and A·v), the z-rule on both inputs, each half
 *       of it: {@code R_a = a ⊙ ∂(S·ab)/∂a / 2};</li>
 *   <li>residual additions: the z-rule; {@link Rules#BALANCED} then rescales both branches so they
 *       share the incoming relevance in proportion to their absolute sums;</li>
 *   <li>LayerNorm, GELU and softmax pass relevance through unchanged.</li>
 * </ul>
 * Sums that normalize are per image, so a batch gives the per-image results.
 *
 * <p>It runs in the model's precision. The rules divide by sums that can nearly cancel (the residual
 * stream's x + f(x), the signed products q·kᵀ and A·v), so they amplify the rounding of the forward
 * pass they read: partial and full LRP therefore propagate through the model's float64 copy and a
 * float64 trace (docs/decisions.md has the measurement).
 */
final class RelevancePropagation {

    private static final double STABILIZER = 1e-9;

    /** Chefer et al.'s two rule sets. */
    enum Rules {
        /** {@code layers_ours.py}, behind Transformer Attribution ({@code ViT_LRP.py}). */
        BALANCED,
        /** {@code layers_lrp.py}, behind partial and full LRP ({@code ViT_orig_LRP.py}). */
        ORIGINAL
    }

    /**
     * What a propagation yields.
     *
     * @param attention the relevance of each propagated block's attention probabilities, {@code [B,
     *     H, N, N]}, in forward order
     * @param tokens the relevance of the first propagated block's input tokens {@code [B, N, D]}, or
     *     null when not asked for
     */
    record Relevance(List<NDArray> attention, NDArray tokens) {}

    private RelevancePropagation() {}

    /**
     * The relevance of every block's attention probabilities under the {@link Rules#BALANCED}
     * rules, for the trace's target classes.
     */
    static List<NDArray> attentionRelevance(VisionTransformer model, VitTrace trace, NDManager manager) {
        return propagate(model, trace, manager, Rules.BALANCED, 0, false).attention();
    }

    /**
     * Propagates relevance from the trace's target classes back through blocks {@code depth-1} down
     * to {@code first}; with {@code toTokens} on through the first block's attention inputs to its
     * input tokens.
     */
    static Relevance propagate(
            VisionTransformer model, VitTrace trace, NDManager manager, Rules rules, int first, boolean toTokens) {
        VitConfig config = model.config();
        VitParameters weights = model.parameters();
        int depth = config.depth();
        long batch = trace.batchSize();

        NDArray lastOutput = trace.block(depth - 1).output();
        NDArray normed = model.finalNorm(lastOutput);
        NDArray relevance = headRelevance(weights, config, normed, trace.targets(), manager, rules);

        List<NDArray> attentionRelevance = new ArrayList<>();
        for (int i = depth - 1; i >= first; i--) {
            BlockActivations a = model.activations(i, trace.block(i).input());
            String p = "blocks." + i + ".";
            // x_out = x_mid + mlp(norm2(x_mid))
            NDArray[] afterMlp = residual(a.attentionResidual(), a.mlpOutput(), relevance, batch, rules);
            NDArray mlp = linear(afterMlp[1], a.hidden(), weights.get(p + "mlp.fc2.weight"), rules);
            mlp = linear(mlp, a.norm2(), weights.get(p + "mlp.fc1.weight"), rules);
            relevance = afterMlp[0].add(mlp);
            // x_mid = x_in + proj(A v)
            NDArray[] afterAttention = residual(a.input(), a.attentionOutput(), relevance, batch, rules);
            NDArray mixed = linear(afterAttention[1], a.mixed(), weights.get(p + "attn.proj.weight"), rules);
            NDArray perHead = splitHeads(mixed, config);
            NDArray[] av = product(a.attention(), a.v(), perHead);
            attentionRelevance.add(av[0]);
            if (i == first && !toTokens) {
                relevance = null;
                break;
            }
            NDArray[] qk = product(a.q(), a.k().transpose(0, 1, 3, 2), av[0]);
            NDArray qkv = mergeQkv(qk[0], qk[1].transpose(0, 1, 3, 2), av[1]);
            relevance = afterAttention[0].add(linear(qkv, a.norm1(), weights.get(p + "attn.qkv.weight"), rules));
        }
        Collections.reverse(attentionRelevance);
        return new Relevance(attentionRelevance, relevance);
    }

    /** Relevance of the tokens after the final norm, from the one-hot target through the head(s). */
    private static NDArray headRelevance(
            VitParameters weights, VitConfig config, NDArray normed, int[] targets, NDManager manager, Rules rules) {
        long batch = normed.getShape().get(0);
        NDArray target = TargetClasses.oneHot(manager, targets, config.numClasses(), normed);
        // DeiT averages its two heads; each then carries half the target's relevance.
        int heads = config.distillationToken() ? 2 : 1;
        if (heads == 2) {
            target = target.div(2);
        }
        NDList tokens = new NDList();
        String[] names = {"head.weight", "head_dist.weight"};
        for (int t = 0; t < heads; t++) {
            NDArray x = normed.get(":, " + t + ", :");
            NDArray r = linear(target, x, weights.get(names[t]), rules);
            // Selecting the token: z-rule through the index selection.
            tokens.add(x.mul(safeDivide(r, x)).expandDims(1));
        }
        long rest = config.numTokens() - heads;
        tokens.add(manager.zeros(new Shape(batch, rest, config.embedDim()), normed.getDataType()));
        return NDArrays.concat(tokens, 1);
    }

    /** LRP-αβ with α=1, β=0 for {@code y = x Wᵀ (+ b)}; relevance {@code r} of y to x. */
    static NDArray linear(NDArray r, NDArray x, NDArray weight, Rules rules) {
        // Results of operations on the weight belong to the weights' manager, so they are moved
        // out; clip() is avoided because it leaves two scalars behind in that manager.
        NDArray zero = r.getManager().zeros(new Shape(), weight.getDataType(), weight.getDevice());
        NDArray wPos = weight.maximum(zero);
        wPos.attach(r.getManager());
        NDArray wNeg = weight.minimum(zero);
        wNeg.attach(r.getManager());
        NDArray xPos = x.clip(0, Float.MAX_VALUE);
        NDArray xNeg = x.clip(-Float.MAX_VALUE, 0);
        NDArray zPos = xPos.matMul(wPos.transpose());
        NDArray zNeg = xNeg.matMul(wNeg.transpose());
        if (rules == Rules.ORIGINAL) {
            return xPos.mul(safeDivide(r, zPos).matMul(wPos))
                    .add(xNeg.mul(safeDivide(r, zNeg).matMul(wNeg)));
        }
        NDArray s = safeDivide(r, zPos.add(zNeg));
        return xPos.mul(s.matMul(wPos)).add(xNeg.mul(s.matMul(wNeg)));
    }

    /** z-rule for {@code z = a · b} (batched matrices), each input getting half: {R_a, R_b}. */
    static NDArray[] product(NDArray a, NDArray b, NDArray r) {
        NDArray s = safeDivide(r, a.matMul(b));
        NDArray ra = a.mul(s.matMul(b.transpose(0, 1, 3, 2))).div(2);
        NDArray rb = b.mul(a.transpose(0, 1, 3, 2).matMul(s)).div(2);
        return new NDArray[] {ra, rb};
    }

    /**
     * Residual {@code z = x1 + x2}: z-rule; under {@link Rules#BALANCED} both branches are then
     * rescaled to share R by |sum|.
     */
    static NDArray[] residual(NDArray x1, NDArray x2, NDArray r, long batch, Rules rules) {
        NDArray s = safeDivide(r, x1.add(x2));
        NDArray a = x1.mul(s);
        NDArray b = x2.mul(s);
        if (rules == Rules.ORIGINAL) {
            return new NDArray[] {a, b};
        }
        NDArray aSum = perImageSum(a, batch);
        NDArray bSum = perImageSum(b, batch);
        NDArray total = perImageSum(r, batch);
        NDArray both = aSum.abs().add(bSum.abs());
        NDArray aShare = safeDivide(aSum.abs(), both).mul(total);
        NDArray bShare = safeDivide(bSum.abs(), both).mul(total);
        return new NDArray[] {a.mul(safeDivide(aShare, aSum)), b.mul(safeDivide(bShare, bSum))};
    }

    private static NDArray perImageSum(NDArray x, long batch) {
        return x.reshape(batch, -1).sum(new int[] {1}).reshape(batch, 1, 1);
    }

    /**
     * {@code a / b} where b is nudged away from zero by 1e-9 and entries with {@code b = 0} give 0,
     * the stabilized division of the reference implementation.
     */
    static NDArray safeDivide(NDArray a, NDArray b) {
        NDArray denominator = b.add(STABILIZER);
        denominator =
                denominator.add(denominator.eq(0).toType(b.getDataType(), false).mul(STABILIZER));
        return a.div(denominator).mul(b.neq(0).toType(b.getDataType(), false));
    }

    private static NDArray splitHeads(NDArray x, VitConfig config) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), s.get(1), config.numHeads(), config.headDim())
                .transpose(0, 2, 1, 3);
    }

    /** Inverse of the model's qkv split: three {@code [B,H,N,d]} into {@code [B,N,3D]}. */
    private static NDArray mergeQkv(NDArray q, NDArray k, NDArray v) {
        NDArray stacked = NDArrays.stack(new NDList(q, k, v), 0); // [3,B,H,N,d]
        Shape s = q.getShape();
        return stacked.transpose(1, 3, 0, 2, 4).reshape(s.get(0), s.get(2), 3 * s.get(1) * s.get(3));
    }
}
