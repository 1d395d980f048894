package dev.tokentm.udfs.explain;

import ai.djl.ndarray.NDArray;
import dev.tokentm.udfs.model.BlockTrace;
import dev.tokentm.udfs.model.TracePoint;
import dev.tokentm.udfs.model.TraceRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * Generic Attention-model Explainability (Chefer et al., ICCV 2021, "GAE"), for encoder-only
 * models: {@code R = I}; for each block {@code R += mean_h((∇A ⊙ A)⁺) · R} (Eqs. 5-6); the
 * heatmap is R's [CLS] row over the patches.
 */
public record Gae() implements Explainer {

    @Override
    public String name() {
        return "gae";
    }

    @Override
    public TraceRequest needs() {
        return TraceRequest.reading(TracePoint.ATTENTION).andGradientsAt(TracePoint.ATTENTION);
    }

    @Override
    public NDArray explain(ExplainContext context) {
        List<NDArray> maps = new ArrayList<>();
        for (BlockTrace block : context.trace().blocks()) {
            maps.add(Layers.gradientWeighted(block.attention(), block.attentionGradient()));
        }
        return ClsRow.toGrid(ClsRow.ofProduct(context.manager(), maps, true), context.config());
    }
}
