package dev.tokentm.udfs.explain;

import ai.djl.ndarray.NDArray;
import dev.tokentm.udfs.model.GradientRules;
import dev.tokentm.udfs.model.TracePoint;
import dev.tokentm.udfs.model.TraceRequest;
import dev.tokentm.udfs.model.VitTrace;
import java.util.EnumSet;

/**
 * Conservative LRP for transformers (Ali et al., "XAI for Transformers: Better Explanations
 * through Conservative Propagation", ICML 2022): gradient × input at the embedded input tokens,
 * where the backward pass treats the attention probabilities (AH-rule) and the LayerNorm scale
 * (LN-rule) as constants, which makes relevance flow conservatively through those layers. A
 * token's relevance is {@code Σ_d x_d · ∂y_c/∂x_d} over its channels. Runs its own
 * forward/backward pass (the shared trace holds the ordinary gradient).
 */
public record ConservativeLrp() implements Explainer {

    @Override
    public String name() {
        return "lrp";
    }

    /** Nothing: this method runs its own pass under its own gradient rules. */
    @Override
    public TraceRequest needs() {
        return TraceRequest.none();
    }

    @Override
    public NDArray explain(ExplainContext context) {
        TraceRequest request = TraceRequest.under(
                GradientRules.CONSERVATIVE, EnumSet.of(TracePoint.BLOCK_INPUT), context.targetClasses());
        try (VitTrace trace = context.model().trace(context.images(), request)) {
            NDArray tokens = trace.block(0).input();
            NDArray relevance =
                    tokens.mul(trace.block(0).gradient(TracePoint.BLOCK_INPUT)).sum(new int[] {-1});
            NDArray grid = ClsRow.toGrid(relevance, context.config());
            grid.attach(context.manager());
            return grid;
        }
    }
}
