package dev.tokentm.udfs.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tokentm.udfs.model.BlockTrace;
import dev.tokentm.udfs.model.TracePoint;
import dev.tokentm.udfs.model.TraceRequest;
import dev.tokentm.udfs.model.VitConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * Beyond Intuition (Chen, Li, Li, Zhang, Zhang, ICCV 2023; {@code
 * jiaminchen-1031/transformerinterp}, {@code generate_ours} and {@code generate_ours_c}): attention
 * perception {@code R = (I + Ã_L) ⋯ (I + Ã_k)} from block k on, weighted by reasoning feedback, the
 * integrated gradient of the last block's attention {@code W = mean_h max(0, 1/m Σ_α ∇A_L(α·x))},
 * α = linspace(0, 1, m); the heatmap is the [CLS] row of {@code W ⊙ R} (head-wise) or {@code W ⊙
 * |R|} (token-wise).
 * <ul>
 *   <li>{@link Perception#HEAD head-wise} ({@code bt-h}): {@code Ã = Σ_h I_h A_h}, {@code I_h =
 *       mean|A_hᵀ ∇A_h|} normalized to sum 1 over the heads;</li>
 *   <li>{@link Perception#TOKEN token-wise} ({@code bt-t}): {@code Ã = mean_h(A_h) diag(‖v_i
 *       W_projᵀ‖ / ‖z_i‖)}, z the block's input tokens, v the value vectors (no bias).</li>
 * </ul>
 *
 * @param perception head-wise or token-wise
 * @param firstBlock k, the first block aggregated (0-based); every block when the model has fewer
 * @param steps m, the points of the path integral
 */
public record BeyondIntuition(Perception perception, int firstBlock, int steps) implements Explainer {

    /** The path integral's points, as the authors run it. */
    public static final int DEFAULT_STEPS = 20;

    /** How attention is perceived. */
    public enum Perception {
        /** {@code generate_ours}; the authors' ViT scripts start at their layer 4 (block 3). */
        HEAD("bt-h", 3),
        /** {@code generate_ours_c}; the authors' ViT scripts start at their layer 7 (block 6). */
        TOKEN("bt-t", 6);

        private final String method;
        private final int defaultFirstBlock;

        Perception(String method, int defaultFirstBlock) {
            this.method = method;
            this.defaultFirstBlock = defaultFirstBlock;
        }
    }

    public BeyondIntuition {
        if (firstBlock < 0) {
            throw new IllegalArgumentException("parameter 'first-block' must be at least 0, got " + firstBlock);
        }
        if (steps < 1) {
            throw new IllegalArgumentException("parameter 'steps' must be at least 1, got " + steps);
        }
    }

    /** The authors' settings. */
    public BeyondIntuition(Perception perception) {
        this(perception, perception.defaultFirstBlock, DEFAULT_STEPS);
    }

    /** From a spec: {@code bt-h(first-block=k, steps=m)}. */
    static BeyondIntuition of(Perception perception, MethodArguments arguments) {
        return new BeyondIntuition(
                perception,
                arguments.integer("first-block", perception.defaultFirstBlock),
                arguments.integer("steps", DEFAULT_STEPS));
    }

    @Override
    public String name() {
        return MethodSpec.named(perception.method)
                .with("first-block", firstBlock, perception.defaultFirstBlock)
                .with("steps", steps, DEFAULT_STEPS)
                .toString();
    }

    @Override
    public TraceRequest needs() {
        return perception == Perception.HEAD
                ? TraceRequest.reading(TracePoint.ATTENTION).andGradientsAt(TracePoint.ATTENTION)
                : TraceRequest.reading(TracePoint.ATTENTION, TracePoint.BLOCK_INPUT, TracePoint.VALUE_PROJECTION);
    }

    @Override
    public NDArray explain(ExplainContext context) {
        VitConfig config = context.config();
        int depth = config.depth();
        int first = firstBlock >= depth ? 0 : firstBlock;
        List<BlockTrace> blocks = context.trace().blocks();
        List<NDArray> perceived = new ArrayList<>();
        for (int l = first; l < depth; l++) {
            perceived.add(perception == Perception.HEAD ? headWise(blocks.get(l)) : tokenWise(blocks.get(l), context));
        }
        NDArray row = ClsRow.ofProduct(context.manager(), perceived, true); // [B, N]
        if (perception == Perception.TOKEN) {
            row = row.abs();
        }
        NDArray feedback = reasoningFeedback(context).get(":, 0, :"); // [B, N]
        return ClsRow.toGrid(feedback.mul(row), config);
    }

    /** {@code Σ_h I_h A_h}, {@code I_h = mean|A_hᵀ ∇A_h|} normalized over the heads, {@code [B, N, N]}. */
    private static NDArray headWise(BlockTrace block) {
        NDArray a = block.attention();
        NDArray importance = a.transpose(0, 1, 3, 2)
                .matMul(block.attentionGradient())
                .abs()
                .mean(new int[] {3})
                .mean(new int[] {2}); // [B, H]
        importance = importance.div(importance.sum(new int[] {1}, true));
        return a.mul(importance.expandDims(2).expandDims(3)).sum(new int[] {1});
    }

    /** {@code mean_h(A_h) diag(‖v_i W_projᵀ‖ / ‖z_i‖)}, {@code [B, N, N]}. */
    private static NDArray tokenWise(BlockTrace block, ExplainContext context) {
        NDArray bias = context.model().parameters().get("blocks." + block.index() + ".attn.proj.bias");
        NDArray values = block.valueProjection().sub(bias); // v W_projᵀ, without the bias
        NDArray scale = values.norm(new int[] {2}).div(block.input().norm(new int[] {2})); // [B, N]
        return block.attention().mean(new int[] {1}).mul(scale.expandDims(1));
    }

    /** {@code mean_h max(0, 1/m Σ_α ∇A_L(α·x))}, {@code [B, N, N]}. */
    private NDArray reasoningFeedback(ExplainContext context) {
        try (NDManager scope = context.manager().newSubManager()) {
            NDArray x = context.images();
            scope.tempAttachAll(x);
            NDArray sum = ScaledPasses.gradientSum(
                    context.model(),
                    x,
                    context.targets(),
                    ScaledPasses.linspace(steps),
                    IntegratedGradients.DEFAULT_MAX_BATCH,
                    TracePoint.ATTENTION,
                    context.config().depth() - 1,
                    scope);
            NDArray feedback = sum.div(steps).clip(0, Float.MAX_VALUE).mean(new int[] {1});
            feedback.attach(context.manager());
            return feedback;
        }
    }
}
