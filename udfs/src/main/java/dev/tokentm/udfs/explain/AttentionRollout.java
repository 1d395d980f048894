package dev.tokentm.udfs.explain;

import ai.djl.ndarray.NDArray;
import dev.tokentm.udfs.model.BlockTrace;
import dev.tokentm.udfs.model.TracePoint;
import dev.tokentm.udfs.model.TraceRequest;
import dev.tokentm.udfs.model.VitTrace;
import java.util.ArrayList;
import java.util.List;

/**
 * Attention rollout (Abnar &amp; Zuidema, ACL 2020): each block's head-mean attention plus the
 * identity for the residual, rows renormalized to sum 1, multiplied from the first block to the
 * last, [CLS] row: {@code Â_l = rownorm(mean_h A_l + I)}, {@code R = Â_L ⋯ Â_s}. Class-agnostic.
 *
 * @param startLayer the first block included (0 = all)
 */
public record AttentionRollout(int startLayer) implements Explainer {

    public AttentionRollout {
        if (startLayer < 0) {
            throw new IllegalArgumentException("rollout start layer must be >= 0, got " + startLayer);
        }
    }

    public AttentionRollout() {
        this(0);
    }

    @Override
    public String name() {
        return "rollout";
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
        Layers.checkStart(startLayer, trace.blocks().size(), name());
        List<NDArray> maps = new ArrayList<>();
        for (BlockTrace block :
                trace.blocks().subList(startLayer, trace.blocks().size())) {
            NDArray withResidual = Layers.addIdentity(block.attention().mean(new int[] {1}));
            maps.add(withResidual.div(withResidual.sum(new int[] {-1}, true)));
        }
        return ClsRow.toGrid(ClsRow.ofProduct(context.manager(), maps, false), context.config());
    }
}
