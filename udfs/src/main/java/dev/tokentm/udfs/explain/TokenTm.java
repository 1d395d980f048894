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
 * states the equations as implemented, which parts the paper confirms and the readings where it
 * leaves room; each reading is a {@link TokenTmConfig} component, starting from our reading ({@code
 * tokentm}) or from LibraGrad's re-implementation ({@code tokentm-libragrad}, Mehri et al., CVPR 2025).
 */
public record TokenTm(Preset preset, TokenTmConfig config) implements Explainer {

    /** The named starting points of the readings, each a method of its own. */
    public enum Preset {
        /** Our reading of the paper. */
        PAPER("tokentm", TokenTmConfig.paper()),
        /** LibraGrad's re-implementation. */
        LIBRAGRAD("tokentm-libragrad", TokenTmConfig.libraGrad());

        private final String method;
        private final TokenTmConfig config;

        Preset(String method, TokenTmConfig config) {
            this.method = method;
            this.config = config;
        }

        public String method() {
            return method;
        }

        public TokenTmConfig config() {
            return config;
        }
    }

    /** The paper's reading. */
    public TokenTm() {
        this(Preset.PAPER, Preset.PAPER.config());
    }

    /** A reading named as a variant of the paper's ({@code tokentm(...)}). */
    public TokenTm(TokenTmConfig config) {
        this(Preset.PAPER, config);
    }

    /** From a spec: {@code preset}'s config with the given parameters changed. */
    static TokenTm of(Preset preset, MethodArguments arguments) {
        return new TokenTm(preset, TokenTmConfig.of(arguments, preset.config()));
    }

    @Override
    public String name() {
        return config.spec(preset.method(), preset.config()).toString();
    }

    /** Without gradient weighting ({@code gradient=none}) no class enters the map. */
    @Override
    public boolean classIndependent() {
        return !weighsByGradient();
    }

    @Override
    public TraceRequest needs() {
        TraceRequest values = TraceRequest.reading(
                TracePoint.BLOCK_INPUT,
                config.attentionAfter() == TokenTmConfig.AttentionAfter.VALUE
                        ? TracePoint.VALUE_PROJECTION
                        : TracePoint.ATTENTION_RESIDUAL,
                TracePoint.ATTENTION,
                TracePoint.ATTENTION_RESIDUAL,
                config.mlpAfter() == TokenTmConfig.MlpAfter.OUTPUT ? TracePoint.MLP_OUTPUT : TracePoint.BLOCK_OUTPUT);
        return weighsByGradient()
                ? values.andGradientsAt(TracePoint.ATTENTION).differentiating(config.target())
                : values;
    }

    private boolean weighsByGradient() {
        return config.gradient() != TokenTmConfig.Gradient.NONE;
    }

    /**
     * What TokenTM reads of one block (any B, N, D, H): the tokens before and after each
     * sub-layer's token-wise transformation as the config's readings choose them (§2, §3), the
     * attention of every head and, when the config weighs by it, its gradient (else null).
     */
    record Layer(
            NDArray input,
            NDArray attentionBefore,
            NDArray attentionAfter,
            NDArray attention,
            NDArray attentionGradient,
            NDArray mlpBefore,
            NDArray mlpAfter) {}

    private Layer layer(BlockTrace b, ExplainContext context) {
        NDArray before = config.attentionFrom() == TokenTmConfig.AttentionFrom.NORM
                ? context.model().attentionNorm(b.index(), b.input())
                : b.input();
        NDArray after = config.attentionAfter() == TokenTmConfig.AttentionAfter.VALUE
                ? b.valueProjection()
                : b.attentionResidual();
        return new Layer(
                b.input(),
                before,
                after,
                b.attention(),
                weighsByGradient() ? b.attentionGradient() : null,
                b.attentionResidual(),
                config.mlpAfter() == TokenTmConfig.MlpAfter.OUTPUT ? b.mlpOutput() : b.output());
    }

    @Override
    public NDArray explain(ExplainContext context) {
        VitTrace trace = weighsByGradient() ? context.trace(config.target()) : context.valuesTrace();
        List<Layer> layers = new ArrayList<>();
        for (BlockTrace block : trace.blocks()) {
            layers.add(layer(block, context));
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
            mlpWeights.add(config.mlp() ? weights(layer.mlpBefore(), layer.mlpAfter()) : null);
        }
        NDArray first = layers.get(start).input();
        long batch = first.getShape().get(0);
        long tokens = first.getShape().get(1);

        NDArray row;
        if (config.aggregation() == TokenTmConfig.Aggregation.PRODUCT) {
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
        if (config.init() == TokenTmConfig.Init.LENGTH) {
            row = row.mul(first.norm(new int[] {-1}));
        }
        return row;
    }

    /**
     * The attention sub-layer's map M_l (§2): attention column j scaled by how token j is
     * transformed, {@code Ā · diag(W)}, weighted by the attention gradient as the config reads it.
     */
    private NDArray attentionMap(Layer layer) {
        NDArray w = weights(layer.attentionBefore(), layer.attentionAfter()).expandDims(1);
        int[] heads = {1};
        return switch (config.gradient()) {
            case GAE ->
                Layers.gradientWeighted(layer.attention(), layer.attentionGradient())
                        .mul(w);
            case SEPARATE ->
                layer.attention()
                        .mean(heads)
                        .mul(w)
                        .mul(layer.attentionGradient().clip(0, Float.MAX_VALUE).mean(heads));
            case NONE -> layer.attention().mean(heads).mul(w);
        };
    }

    /**
     * Transformation weights {@code W_i = L(x̃_i)/L(x_i) · NECC(x_i, x̃_i)} per token, {@code [B, N]}
     * (§1), from tokens before ({@code x}) and after ({@code x̃}) a token-wise transformation,
     * {@code [B, N, D]} each. A zero-length token has ratio and cosine 0.
     */
    NDArray weights(NDArray before, NDArray after) {
        NDArray lengthBefore = before.norm(new int[] {-1});
        NDArray lengthAfter = after.norm(new int[] {-1});
        NDArray weight = config.length() ? Layers.divideOrZero(lengthAfter, lengthBefore) : null;
        if (config.necc() != TokenTmConfig.Necc.OFF) {
            NDArray cosine = Layers.divideOrZero(before.mul(after).sum(new int[] {-1}), lengthBefore.mul(lengthAfter));
            NDArray necc =
                    switch (config.necc()) {
                        case SOFTMAX -> cosine.softmax(-1);
                        case SCALED -> cosine.softmax(-1).mul(before.getShape().get(1));
                        case EXP -> cosine.sub(1).exp();
                        case OFF -> throw new AssertionError();
                    };
            weight = weight == null ? necc : weight.mul(necc);
        }
        return weight == null ? lengthBefore.onesLike() : weight;
    }
}
