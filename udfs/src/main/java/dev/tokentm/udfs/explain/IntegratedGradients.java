package dev.tokentm.udfs.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tokentm.udfs.model.TargetClasses;
import dev.tokentm.udfs.model.TracePoint;
import dev.tokentm.udfs.model.TraceRequest;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.model.VitConfig;
import dev.tokentm.udfs.model.VitTrace;
import java.util.List;

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

    private static final List<String> RESOLUTIONS = List.of("pixel", "patch");

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
                arguments.integer("steps", DEFAULT_STEPS),
                DEFAULT_MAX_BATCH,
                arguments.choice("resolution", RESOLUTIONS.get(0), RESOLUTIONS).equals("pixel"));
    }

    @Override
    public String name() {
        return MethodSpec.named("integrated-gradients")
                .with("steps", steps, DEFAULT_STEPS)
                .with("resolution", RESOLUTIONS.get(pixels ? 0 : 1), RESOLUTIONS.get(0))
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
        int batch = classes.length;
        int prefix = config.numPrefixTokens();
        long patches = config.numPatches();
        try (NDManager scope = context.manager().newSubManager()) {
            scope.tempAttachAll(x);
            NDArray gradientSum = scope.zeros(new Shape(batch, patches, config.embedDim()), x.getDataType());
            int perPass = Math.max(1, maxBatch / batch);
            for (int first = 1; first <= steps; first += perPass) {
                int last = Math.min(steps, first + perPass - 1);
                NDList scaled = new NDList();
                int[] tiled = new int[(last - first + 1) * batch];
                for (int k = first; k <= last; k++) {
                    scaled.add(x.mul(scope.create((float) k / steps).toType(x.getDataType(), false)));
                    System.arraycopy(classes, 0, tiled, (k - first) * batch, batch);
                }
                TraceRequest request = TraceRequest.reading(TracePoint.BLOCK_INPUT)
                        .andGradientsAt(TracePoint.BLOCK_INPUT)
                        .forTargets(TargetClasses.of(tiled));
                try (VitTrace trace = model.trace(NDArrays.concat(scaled, 0), request)) {
                    NDArray tokens = trace.block(0)
                            .gradient(TracePoint.BLOCK_INPUT)
                            .get(":, " + prefix + ":, :")
                            .reshape(last - first + 1, batch, patches, config.embedDim())
                            .sum(new int[] {0});
                    tokens.attach(scope);
                    gradientSum = gradientSum.add(tokens);
                }
            }
            NDArray attribution = x.mul(PatchEmbedding.pixelGradient(model, gradientSum.div(steps)))
                    .sum(new int[] {1});
            NDArray map = pixels ? attribution : PatchEmbedding.patchSums(attribution, config);
            map.attach(context.manager());
            return map;
        }
    }
}
