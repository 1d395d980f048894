package dev.tokentm.udfs.explain;

import ai.djl.ndarray.NDArray;
import dev.tokentm.udfs.model.BlockTrace;
import dev.tokentm.udfs.model.TracePoint;
import dev.tokentm.udfs.model.TraceRequest;
import dev.tokentm.udfs.model.VitConfig;

/**
 * Grad-CAM (Selvaraju et al., ICCV 2017) as {@code jacobgil/pytorch-grad-cam} runs it on ViTs: the
 * target layer is the last block's {@code norm1}, its output's patch tokens are the activation map
 * (the library's ViT {@code reshape_transform} drops the prefix tokens), each channel is weighted by
 * its mean gradient over the patches, {@code ReLU(Σ_c w_c a_c)} with {@code w_c = mean_p ∂y/∂a_{p,c}}.
 * Patch resolution, not rescaled (the library's min-max scaling and resize are display steps).
 */
public record GradCam() implements Explainer {

    @Override
    public String name() {
        return "gradcam";
    }

    @Override
    public TraceRequest needs() {
        return TraceRequest.reading(TracePoint.ATTENTION_NORM).andGradientsAt(TracePoint.ATTENTION_NORM);
    }

    @Override
    public NDArray explain(ExplainContext context) {
        VitConfig config = context.config();
        BlockTrace last = context.trace().block(config.depth() - 1);
        String patches = ":, " + config.numPrefixTokens() + ":, :";
        NDArray activations = last.value(TracePoint.ATTENTION_NORM).get(patches);
        NDArray gradients = last.gradient(TracePoint.ATTENTION_NORM).get(patches);
        NDArray weights = gradients.mean(new int[] {1}, true); // [B, 1, D]
        NDArray cam = activations.mul(weights).sum(new int[] {2}).clip(0, Float.MAX_VALUE);
        return cam.reshape(cam.getShape().get(0), config.gridSize(), config.gridSize());
    }
}
