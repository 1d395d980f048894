package dev.tokentm.udfs.explain;

import ai.djl.ndarray.NDArray;
import dev.tokentm.udfs.model.BlockTrace;
import dev.tokentm.udfs.model.TracePoint;
import dev.tokentm.udfs.model.TraceRequest;

/**
 * AttCAT, attentive class activation tokens (Qiang et al., NeurIPS 2022): for every
 * block l, each token's class activation {@code CAT_i^l = Σ_d (∂y_c/∂h_i^l ⊙ h_i^l)_d} (the
 * gradient × feature of its output features h^l) weighted by the [CLS] token's attention to it,
 * averaged over heads, and summed over blocks: {@code AttCAT_i = Σ_l mean_h(A^{l,h}_{0,i}) · CAT_i^l}.
 * Reading: h^l is the block's output and the attention weights are the [CLS] query row. Signed.
 */
public record AttCat() implements Explainer {

    @Override
    public String name() {
        return "attcat";
    }

    @Override
    public TraceRequest needs() {
        return TraceRequest.reading(TracePoint.ATTENTION, TracePoint.BLOCK_OUTPUT)
                .andGradientsAt(TracePoint.BLOCK_OUTPUT);
    }

    @Override
    public NDArray explain(ExplainContext context) {
        NDArray total = null;
        for (BlockTrace block : context.trace().blocks()) {
            NDArray classActivation =
                    block.output().mul(block.gradient(TracePoint.BLOCK_OUTPUT)).sum(new int[] {-1});
            NDArray clsAttention = block.attention().get(":, :, 0, :").mean(new int[] {1});
            NDArray layer = clsAttention.mul(classActivation);
            total = total == null ? layer : total.add(layer);
        }
        return ClsRow.toGrid(total, context.config());
    }
}
