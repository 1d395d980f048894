package dev.tokentm.udfs.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tokentm.udfs.model.TracePoint;
import dev.tokentm.udfs.model.TraceRequest;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.model.VitConfig;

/**
 * Integrated Gradients (Sundararajan, Taly, Yan, ICML 2017) with a zero baseline in normalized space
 * and a right Riemann sum, {@code IG = x ⊙ 1/m Σ_{k=1..m} ∇y(k/m · x)}, summed over the channels: a
 * map over the input's pixels, or (with {@code resolution=patch}) its sum over each patch. The pixel
 * gradient comes from the gradient at block 0's input tokens: the patch embedding is linear,
 * {@code e_p = W x_p + b}, so {@code ∂y/∂x_p = Wᵀ ∂y/∂e_p}. All m scaled copies of a batch go
 * through the model together, {@code maxBatch} images per pass.
 *
 * @param steps m, the Riemann sum's steps
 * @param maxBatch the most images in one forward and backward pass
 * @param pixels a map per pixel; else per patch
 */
public record IntegratedGradients(int steps, int maxBatch, boolean pixels) implements Explainer {

    /** The reference's steps. */
    public static final int DEFAULT_STEPS = 32;

    /** Images per pass: the scaled copies of a batch go through together up to this many. */
    public static final int DEFAULT_MAX_BATCH = 64;

    /** 32 steps (as the reference), up to 64 images per pass, a map per pixel. */
    public IntegratedGradients() {
        this(DEFAULT_STEPS, DEFAULT_MAX_BATCH, true);
    }

    public IntegratedGradients {
        if (steps < 1) {
            throw new IllegalArgumentException("parameter 'steps' must be at least 1, got " + steps);
        }
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1, got " + maxBatch);
        }
    }

    /** From a spec: {@code integrated-gradients(steps=n, resolution=pixel|patch)}. */
    static IntegratedGradients of(MethodArguments arguments) {
        return new IntegratedGradients(
                arguments.integer("steps", DEFAULT_STEPS), DEFAULT_MAX_BATCH, MapResolution.pixels(arguments));
    }

    @Override
    public String name() {
        return MethodSpec.named("integrated-gradients")
                .with("steps", steps, DEFAULT_STEPS)
                .with("resolution", MapResolution.of(pixels), MapResolution.PIXEL)
                .toString();
    }

    @Override
    public boolean pixelResolution() {
        return pixels;
    }

    /** Nothing from the shared trace but the explained classes: its passes are its own. */
    @Override
    public TraceRequest needs() {
        return TraceRequest.none();
    }

    @Override
    public NDArray explain(ExplainContext context) {
        VisionTransformer model = context.model();
        VitConfig config = model.config();
        NDArray x = context.images();
        int[] classes = context.targets();
        try (NDManager scope = context.manager().newSubManager()) {
            scope.tempAttachAll(x);
            NDArray tokens = ScaledPasses.gradientSum(
                    model, x, classes, ScaledPasses.rightRiemann(steps), maxBatch, TracePoint.BLOCK_INPUT, 0, scope);
            NDArray gradientSum = tokens.get(":, " + config.numPrefixTokens() + ":, :");
            NDArray map = PatchEmbedding.gradientTimesInput(model, x, gradientSum.div(steps), pixels);
            map.attach(context.manager());
            return map;
        }
    }
}
