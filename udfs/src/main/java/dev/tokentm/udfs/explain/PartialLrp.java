package dev.tokentm.udfs.explain;

import ai.djl.ndarray.NDArray;
import dev.tokentm.udfs.model.TracePoint;
import dev.tokentm.udfs.model.TraceRequest;

/**
 * Partial LRP (Voita, Talbot, Moiseev, Sennrich, Titov, ACL 2019), as Chefer et al. (CVPR 2021) run
 * it for ViTs ({@code generate_LRP(method="last_layer")}): the LRP relevance of the last block's
 * attention probabilities (the original rules of {@link RelevancePropagation}, α=1, β=0), positive part, mean over heads,
 * the [CLS] row. The forward pass it reads and the propagation run in float64 (see {@link
 * RelevancePropagation}).
 */
public record PartialLrp() implements Explainer {

    @Override
    public String name() {
        return "partial-lrp";
    }

    /** Propagation recomputes each block from its input; the head reads the last block's output. */
    @Override
    public TraceRequest needs() {
        return TraceRequest.reading(TracePoint.BLOCK_INPUT, TracePoint.BLOCK_OUTPUT);
    }

    @Override
    public NDArray explain(ExplainContext context) {
        int last = context.config().depth() - 1;
        NDArray relevance = RelevancePropagation.propagate(
                        context.model().float64(),
                        context.float64Trace(),
                        context.manager(),
                        RelevancePropagation.Rules.ORIGINAL,
                        last,
                        false)
                .attention()
                .get(0);
        NDArray map = relevance.clip(0, Float.MAX_VALUE).mean(new int[] {1});
        return ClsRow.clsRowGrid(map, context.config()).toType(context.images().getDataType(), false);
    }
}
