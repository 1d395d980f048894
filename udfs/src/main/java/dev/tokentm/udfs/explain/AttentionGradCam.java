package dev.tokentm.udfs.explain;

import ai.djl.ndarray.NDArray;
import dev.tokentm.udfs.model.BlockTrace;
import dev.tokentm.udfs.model.TracePoint;
import dev.tokentm.udfs.model.TraceRequest;
import dev.tokentm.udfs.model.VitTrace;

/**
 * Grad-CAM (Selvaraju et al., ICCV 2017) on the last block's attention, as the baseline of
 * Chefer et al. (CVPR 2021): per head, the [CLS] row's attention to the patches weighted by that
 * head's mean gradient over the same entries; mean over heads; negatives set to 0.
 */
public record AttentionGradCam() implements Explainer {

    @Override
    public String name() {
        return "attention-gradcam";
    }

    @Override
    public TraceRequest needs() {
        return TraceRequest.reading(TracePoint.ATTENTION).andGradientsAt(TracePoint.ATTENTION);
    }

    @Override
    public NDArray explain(ExplainContext context) {
        VitTrace trace = context.trace();
        BlockTrace last = trace.block(trace.blocks().size() - 1);
        String clsToPatches = ":, :, 0, " + context.config().numPrefixTokens() + ":";
        NDArray attention = last.attention().get(clsToPatches);
        NDArray headWeights = last.attentionGradient().get(clsToPatches).mean(new int[] {-1}, true);
        NDArray cam = attention.mul(headWeights).mean(new int[] {1}).clip(0, Float.MAX_VALUE);
        long batch = cam.getShape().get(0);
        int grid = context.config().gridSize();
        return cam.reshape(batch, grid, grid);
    }
}
