package dev.tokentm.udfs.explain;

import ai.djl.ndarray.NDArray;
import dev.tokentm.udfs.model.BlockTrace;
import dev.tokentm.udfs.model.TracePoint;
import dev.tokentm.udfs.model.TraceRequest;

/**
 * Grad-SAM (Barkan, Hauon, Caciularu, Katz, Elisha, Koenigstein, CIKM 2021): the attention maps
 * weighted by their positive gradients, {@code A ⊙ ReLU(∇A)}, averaged over blocks, heads and every
 * query row ([CLS] included), read at the patch columns. There is no official code; this is the
 * public third-party form {@code mean(attentions * relu(gradients), dim=(layers, heads, rows))}.
 */
public record GradSam() implements Explainer {

    @Override
    public String name() {
        return "grad-sam";
    }

    @Override
    public TraceRequest needs() {
        return TraceRequest.reading(TracePoint.ATTENTION).andGradientsAt(TracePoint.ATTENTION);
    }

    @Override
    public NDArray explain(ExplainContext context) {
        NDArray sum = null;
        for (BlockTrace block : context.trace().blocks()) {
            // [B, H, N, N] -> mean over heads and query rows -> [B, N] (one score per key column)
            NDArray scores = block.attention()
                    .mul(block.attentionGradient().clip(0, Float.MAX_VALUE))
                    .mean(new int[] {1})
                    .mean(new int[] {1});
            sum = sum == null ? scores : sum.add(scores);
        }
        return ClsRow.toGrid(sum.div(context.trace().blocks().size()), context.config());
    }
}
