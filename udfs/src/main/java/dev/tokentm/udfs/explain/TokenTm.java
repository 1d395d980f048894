package dev.tokentm.udfs.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tokentm.udfs.model.BlockTrace;
import dev.tokentm.udfs.model.TracePoint;
import dev.tokentm.udfs.model.TraceRequest;
import dev.tokentm.udfs.model.VitTrace;
import java.util.ArrayList;
import java.util.List;

/**
 * TokenTM (Wu et al., "Token Transformation Matters: Towards Faithful Post-hoc Explanation for
 * Vision Transformer", CVPR 2024): every token transformation weighed by its length and direction
 * (NECC, §1 of {@code docs/tokentm.md}), attention (§2) and MLP (§3) sub-layers aggregated from the
 * input tokens' lengths (§4); the heatmap is the [CLS] row over the patches. {@code docs/tokentm.md}
 * states the equations as implemented and the readings chosen where the paper leaves room.
 */
public record TokenTm(TokenTmConfig config) implements Explainer {

    public TokenTm() {
        this(TokenTmConfig.defaults());
    }

    @Override
    public String name() {
        return config.spec("tokentm").toString();
    }

    @Override
    public TraceRequest needs() {
        TraceRequest values = TraceRequest.reading(
                TracePoint.BLOCK_INPUT,
                TracePoint.VALUE_PROJECTION,
                TracePoint.ATTENTION,
                TracePoint.ATTENTION_RESIDUAL,
                TracePoint.MLP_OUTPUT);
        return config.gradientWeighted() ? values.andGradientsAt(TracePoint.ATTENTION) : values;
    }

    /**
     * What TokenTM reads of one block (any B, N, D, H). {@code before} is the token the attention
     * sub-layer's transformation is measured from: the block input, or norm1 of it. The
     * attention gradient is null when the config does not weigh attention by it.
     */
    record Layer(
            NDArray input,
            NDArray before,
            NDArray valueProjection,
            NDArray attention,
            NDArray attentionGradient,
            NDArray attentionResidual,
            NDArray mlpOutput) {

        static Layer of(BlockTrace b, NDArray transformed, boolean withGradient) {
            return new Layer(
                    b.input(),
                    transformed,
                    b.valueProjection(),
                    b.attention(),
                    withGradient ? b.attentionGradient() : null,
                    b.attentionResidual(),
                    b.mlpOutput());
        }
    }

    @Override
    public NDArray explain(ExplainContext context) {
        VitTrace trace = context.trace();
        List<Layer> layers = new ArrayList<>();
        for (BlockTrace block : trace.blocks()) {
            NDArray before = config.normalizedInput()
                    ? context.model().attentionNorm(block.index(), block.input())
                    : block.input();
            layers.add(Layer.of(block, before, config.gradientWeighted()));
        }
        return ClsRow.toGrid(clsRow(layers, context.manager()), context.config());
    }

    /** The [CLS] row of the contribution map over all tokens, {@code [B, N]}. */
    NDArray clsRow(List<Layer> layers, NDManager manager) {
        int depth = layers.size();
        if (config.lastLayers() > depth) {
            throw new IllegalArgumentException(
                    name() + ": last-layers " + config.lastLayers() + " exceeds the model's " + depth + " blocks");
        }
        int start = config.lastLayers() == 0 ? 0 : depth - config.lastLayers();
        List<NDArray> attentionMaps = new ArrayList<>();
        List<NDArray> mlpWeights = new ArrayList<>();
        for (Layer layer : layers.subList(start, depth)) {
            attentionMaps.add(attentionMap(layer));
            mlpWeights.add(config.includeMlp() ? weights(layer.attentionResidual(), layer.mlpOutput()) : null);
        }
        NDArray first = layers.get(start).input();
        long batch = first.getShape().get(0);
        long tokens = first.getShape().get(1);

        NDArray row;
        if (config.aggregate()) {
            // Row vector through C's factors from the last block to the first:
            // r ← r (I + D_l), then r ← r (I + M_l).
            row = ClsRow.unit(manager, batch, tokens, first);
            for (int l = attentionMaps.size() - 1; l >= 0; l--) {
                if (mlpWeights.get(l) != null) {
                    row = row.add(row.mul(mlpWeights.get(l).expandDims(1)));
                }
                row = row.add(row.matMul(attentionMaps.get(l)));
            }
            row = row.squeeze(1);
        } else {
            row = null;
            for (NDArray map : attentionMaps) {
                NDArray cls = map.get(":, 0, :");
                row = row == null ? cls : row.add(cls);
            }
        }
        if (config.lengthInit()) {
            row = row.mul(first.norm(new int[] {-1}));
        }
        return row;
    }

    /** {@code M = Ā · diag(W)}: attention column j scaled by how token j is transformed. */
    private NDArray attentionMap(Layer layer) {
        NDArray mixing = config.gradientWeighted()
                ? Layers.gradientWeighted(layer.attention(), layer.attentionGradient())
                : layer.attention().mean(new int[] {1});
        return mixing.mul(weights(layer.before(), layer.valueProjection()).expandDims(1));
    }

    /**
     * Transformation weights {@code W_i = L(x̃_i)/L(x_i) · NECC(x_i, x̃_i)} per token, {@code [B, N]},
     * from tokens before ({@code x}) and after ({@code x̃}) a token-wise transformation,
     * {@code [B, N, D]} each. A zero-length token has ratio and cosine 0.
     */
    NDArray weights(NDArray before, NDArray after) {
        NDArray lengthBefore = before.norm(new int[] {-1});
        NDArray lengthAfter = after.norm(new int[] {-1});
        NDArray weight = null;
        if (config.useLength()) {
            weight = Layers.divideOrZero(lengthAfter, lengthBefore);
        }
        if (config.useNecc()) {
            NDArray cosine = Layers.divideOrZero(before.mul(after).sum(new int[] {-1}), lengthBefore.mul(lengthAfter));
            NDArray necc = cosine.softmax(-1);
            if (config.neccScaledByTokens()) {
                necc = necc.mul(before.getShape().get(1));
            }
            weight = weight == null ? necc : weight.mul(necc);
        }
        return weight == null ? lengthBefore.onesLike() : weight;
    }
}
