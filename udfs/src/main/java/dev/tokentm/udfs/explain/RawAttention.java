package dev.tokentm.udfs.explain;

import ai.djl.ndarray.NDArray;
import dev.tokentm.udfs.model.TracePoint;
import dev.tokentm.udfs.model.TraceRequest;
import dev.tokentm.udfs.model.VitTrace;

/**
 * Raw attention: the last block's attention probabilities, averaged over heads, [CLS] row
 * (the attention-map baseline of Chefer et al., CVPR 2021). Class-agnostic.
 */
public record RawAttention() implements Explainer {

    @Override
    public String name() {
        return "raw-attention";
    }

    /** Attention probabilities only: no class enters the map. */
    @Override
    public boolean classIndependent() {
        return true;
    }

    @Override
    public TraceRequest needs() {
        return TraceRequest.reading(TracePoint.ATTENTION);
    }

    @Override
    public NDArray explain(ExplainContext context) {
        VitTrace trace = context.valuesTrace();
        NDArray last = trace.block(trace.blocks().size() - 1).attention();
        return ClsRow.clsRowGrid(last.mean(new int[] {1}), context.config());
    }
}
