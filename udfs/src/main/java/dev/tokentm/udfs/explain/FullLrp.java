package dev.tokentm.udfs.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import dev.tokentm.udfs.model.TracePoint;
import dev.tokentm.udfs.model.TraceRequest;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.model.VitConfig;

/**
 * Full LRP to the pixels, as Chefer et al. (CVPR 2021) run it for ViTs ({@code
 * generate_LRP(method="full")} on {@code ViT_orig_LRP}): relevance propagated from the target class
 * through every block ({@link RelevancePropagation.Rules#ORIGINAL}, α=1, β=0) to the input tokens,
 * through the position embedding's addition by the z-rule, to the patch tokens, and through the
 * patch embedding by the z^B rule (Montavon et al. 2017) bounded by the image's lowest and highest
 * value {@code l, h}: {@code R_x = x ⊙ Wᵀs − l·W⁺ᵀs − h·W⁻ᵀs} with {@code s = R / (Wx − l·ΣW⁺ −
 * h·ΣW⁻)}; summed over the channels. A map over the input's pixels. The forward pass it reads and
 * every division run in float64 (see {@link RelevancePropagation}).
 */
public record FullLrp() implements Explainer {

    /** The reference's stabilizer of the z^B denominator. */
    private static final double EPSILON = 1e-9;

    @Override
    public String name() {
        return "full-lrp";
    }

    @Override
    public boolean pixelResolution() {
        return true;
    }

    @Override
    public TraceRequest needs() {
        return TraceRequest.reading(TracePoint.BLOCK_INPUT, TracePoint.BLOCK_OUTPUT);
    }

    @Override
    public NDArray explain(ExplainContext context) {
        VisionTransformer model = context.model();
        VitConfig c = model.config();
        NDArray x = context.images();
        long batch = x.getShape().get(0);
        try (NDManager scope = context.manager().newSubManager()) {
            VisionTransformer wide = model.float64();
            NDArray tokens = RelevancePropagation.propagate(
                            wide, context.float64Trace(), scope, RelevancePropagation.Rules.ORIGINAL, 0, true)
                    .tokens();
            // x0 = [prefix; W x + b] + pos: the z-rule keeps the share of the first summand.
            // In the propagation's precision, as the divisions below amplify rounding as much as its own.
            NDArray input = context.float64Trace().block(0).input();
            NDArray position = wide.parameters().get("pos_embed");
            NDArray embedded = input.sub(position);
            NDArray kept = RelevancePropagation.safeDivide(tokens, input).mul(embedded);
            NDArray patches = kept.get(":, " + c.numPrefixTokens() + ":, :"); // [B, P, D]
            patches.attach(scope);

            NDArray zero = scope.zeros(new Shape(), DataType.FLOAT64, x.getDevice());
            NDArray kernel = wide.parameters().get("patch_embed.proj.weight");
            NDArray positive = kernel.maximum(zero);
            positive.attach(scope);
            NDArray negative = kernel.minimum(zero);
            negative.attach(scope);
            NDArray images = x.toType(DataType.FLOAT64, true);
            images.attach(scope);
            NDArray low = images.reshape(batch, -1).min(new int[] {1}).reshape(batch, 1, 1);
            NDArray high = images.reshape(batch, -1).max(new int[] {1}).reshape(batch, 1, 1);
            NDArray linear = Conv2d.conv2d(images, kernel, null, new Shape(c.patchSize(), c.patchSize()))
                    .singletonOrThrow()
                    .reshape(batch, c.embedDim(), c.numPatches())
                    .transpose(0, 2, 1);
            linear.attach(scope);
            NDArray denominator = linear.sub(low.mul(kernelSums(positive, c)))
                    .sub(high.mul(kernelSums(negative, c)))
                    .add(EPSILON);
            NDArray s = patches.div(denominator);
            NDArray pixels = images.mul(PatchEmbedding.transposed(c, s, kernel))
                    .sub(low.expandDims(1).mul(PatchEmbedding.transposed(c, s, positive)))
                    .sub(high.expandDims(1).mul(PatchEmbedding.transposed(c, s, negative)))
                    .sum(new int[] {1});
            NDArray out = pixels.toType(x.getDataType(), true);
            out.attach(context.manager());
            return out;
        }
    }

    /** Each output channel's kernel sum, {@code [1, 1, D]}. */
    private static NDArray kernelSums(NDArray kernel, VitConfig c) {
        return kernel.reshape(c.embedDim(), -1).sum(new int[] {1}).reshape(1, 1, c.embedDim());
    }
}
