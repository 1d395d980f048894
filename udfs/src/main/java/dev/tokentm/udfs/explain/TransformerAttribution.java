package dev.tokentm.udfs.explain;

import ai.djl.ndarray.NDArray;
import dev.tokentm.udfs.model.TracePoint;
import dev.tokentm.udfs.model.TraceRequest;
import dev.tokentm.udfs.model.VitTrace;
import java.util.ArrayList;
import java.util.List;

/**
 * Transformer Attribution (Chefer, Gur &amp; Wolf, CVPR 2021): each block's attention relevance
 * from LRP ({@link RelevancePropagation}) weighted by the attention gradient, positive part,
 * head mean, {@code Ā_l = mean_h (∇A_l ⊙ R^(A_l))⁺} (Eq. 13), then rolled out with the identity
 * for the residual, {@code C = (Ā_L + I) ⋯ (Ā_s + I)} (Eq. 14); the heatmap is C's [CLS] row.
 *
 * @param startLayer the first block included (0 = all, as in the paper)
 */
public record TransformerAttribution(int startLayer) implements Explainer {

    public TransformerAttribution {
        if (startLayer < 0) {
            throw new IllegalArgumentException("transformer attribution start layer must be >= 0, got " + startLayer);
        }
    }

    public TransformerAttribution() {
        this(0);
    }

    @Override
    public String name() {
        return "transformer-attribution";
    }

    @Override
    public TraceRequest needs() {
        return TraceRequest.reading(TracePoint.BLOCK_INPUT, TracePoint.BLOCK_OUTPUT)
                .andGradientsAt(TracePoint.ATTENTION);
    }

    @Override
    public NDArray explain(ExplainContext context) {
        VitTrace trace = context.trace();
        Layers.checkStart(startLayer, trace.blocks().size(), name());
        List<NDArray> relevance = RelevancePropagation.attentionRelevance(context.model(), trace, context.manager());
        List<NDArray> maps = new ArrayList<>();
        for (int i = startLayer; i < relevance.size(); i++) {
            maps.add(Layers.gradientWeighted(relevance.get(i), trace.block(i).attentionGradient()));
        }
        return ClsRow.toGrid(ClsRow.ofProduct(context.manager(), maps, true), context.config());
    }
}
