package dev.tokentm.udfs.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import dev.tokentm.udfs.model.TargetClasses;
import dev.tokentm.udfs.model.TracePoint;
import dev.tokentm.udfs.model.TraceRequest;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.model.VitConfig;
import dev.tokentm.udfs.model.VitTrace;

/**
 * Integrated Gradients (Sundararajan, Taly, Yan, ICML 2017) with a zero baseline in normalized space
 * and a right Riemann sum, {@code IG = x ⊙ 1/m Σ_{k=1..m} ∇y(k/m · x)}, summed over the channels and
 * pixels of each patch. The sum over a patch needs no pixel gradient: the patch embedding is linear,
 * {@code e_p = W x_p + b}, so {@code Σ_{i ∈ p} x_i ∂y/∂x_i = (W x_p) · ∂y/∂e_p}, with ∂y/∂e_p the
 * gradient at block 0's input tokens. All m scaled copies of a batch go through the model together,
 * {@code maxBatch} images per pass.
 *
 * @param steps m, the Riemann sum's steps
 * @param maxBatch the most images in one forward and backward pass
 */
public record IntegratedGradients(int steps, int maxBatch) implements Explainer {

    /** 32 steps (as the reference), up to 64 images per pass. */
    public IntegratedGradients() {
        this(32, 64);
    }

    public IntegratedGradients {
        if (steps < 1 || maxBatch < 1) {
            throw new IllegalArgumentException(
                    "integrated gradients needs steps >= 1 and maxBatch >= 1, got " + steps + " and " + maxBatch);
        }
    }

    @Override
    public String name() {
        return "integrated-gradients";
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
            // W x_p: the patch embedding without its bias, [B, P, D].
            NDArray embedded = Conv2d.conv2d(
                            x,
                            model.parameters().get("patch_embed.proj.weight"),
                            null,
                            new Shape(config.patchSize(), config.patchSize()))
                    .singletonOrThrow()
                    .reshape(batch, config.embedDim(), patches)
                    .transpose(0, 2, 1);
            embedded.attach(scope);
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
            NDArray map = embedded.mul(gradientSum)
                    .sum(new int[] {2})
                    .div(steps)
                    .reshape(batch, config.gridSize(), config.gridSize());
            map.attach(context.manager());
            return map;
        }
    }
}
