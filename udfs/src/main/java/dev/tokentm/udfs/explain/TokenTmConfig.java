package dev.tokentm.udfs.explain;

import dev.tokentm.udfs.model.ClassScore;

/**
 * Every option of {@link TokenTm} in one place, each a method-spec parameter of the same name
 * ({@code tokentm(necc=scaled,attention-after=residual)}). {@link #paper} is our reading of the
 * paper; the switches reproduce its ablations (Tables 6 and 7) and the other readings that {@code
 * docs/tokentm.md} lists, section by section.
 *
 * @param length {@code length}: weigh transformations by the length ratio {@code L(x̃)/L(x)} (off:
 *     "w/o L")
 * @param necc {@code necc}: the direction term (off: "w/o NECC"), §1
 * @param aggregation {@code aggregation}: multiply the layers' maps through the network, or sum
 *     their [CLS] rows ("w/o aggregation framework"), §4
 * @param lastLayers {@code last-layers}: aggregate only the last k blocks (0 = all blocks; Table 7)
 * @param mlp {@code mlp}: count the MLP sub-layer's token-wise transformation (off: attention
 *     sub-layers only), §3
 * @param init {@code init}: start from the input tokens' lengths or from the identity, §4
 * @param gradient {@code gradient}: how attention is weighted by its gradient, §2
 * @param attentionFrom {@code attention-from}: the "before" token of the attention sub-layer, §2
 * @param attentionAfter {@code attention-after}: the "after" token of the attention sub-layer, §2
 * @param mlpAfter {@code mlp-after}: the "after" token of the MLP sub-layer, §3
 * @param target {@code target}: the class score whose gradient weighs attention
 */
public record TokenTmConfig(
        boolean length,
        Necc necc,
        Aggregation aggregation,
        int lastLayers,
        boolean mlp,
        Init init,
        Gradient gradient,
        AttentionFrom attentionFrom,
        AttentionAfter attentionAfter,
        MlpAfter mlpAfter,
        ClassScore target) {

    /** The direction term NECC(x_i, x̃_i) of §1, from the cosines of one image's tokens. */
    public enum Necc {
        /** exp(cos_i) / Σ_j exp(cos_j): the softmax over the image's tokens, as written. */
        SOFTMAX,
        /** exp(cos_i − 1): the exponential cosine unnormalized, 1 for an unchanged direction. */
        EXP,
        /** N · softmax: an average token weighs 1 against the residual's identity. */
        SCALED,
        /** 1: "w/o NECC". */
        OFF
    }

    /** §4: how the layers' maps combine. */
    public enum Aggregation {
        /** C = Π (I + D_l)(I + M_l) C_0. */
        PRODUCT,
        /** The layers' [CLS] rows of M_l summed, each on its own. */
        SUM
    }

    /** §4: the map the aggregation starts from. */
    public enum Init {
        /** diag(L(x_1)). */
        LENGTH,
        /** I. */
        IDENTITY
    }

    /** §2: how the attention map is weighted by its gradient. */
    public enum Gradient {
        /** GAE's mean_h (∇A ⊙ A)⁺ · diag W. */
        GAE,
        /** LibraGrad's (mean_h A · diag W) ⊙ mean_h (∇A)⁺. */
        SEPARATE,
        /** mean_h A · diag W. */
        NONE
    }

    /** §2: the token the attention sub-layer's transformation is measured from. */
    public enum AttentionFrom {
        /** The block input x_l. */
        INPUT,
        /** LN1(x_l), the input of the value projection. */
        NORM
    }

    /** §2: the token the attention sub-layer's transformation is measured to. */
    public enum AttentionAfter {
        /** v̂_l, the token after the value and output projections, before attention mixes. */
        VALUE,
        /** x'_l = x_l + Attn(LN1(x_l)), after the residual (LibraGrad). */
        RESIDUAL
    }

    /** §3: the token the MLP sub-layer's transformation is measured to. */
    public enum MlpAfter {
        /** MLP(LN2(x'_l)), the sub-layer's output. */
        OUTPUT,
        /** x_{l+1} = x'_l + MLP(LN2(x'_l)), after the residual (LibraGrad). */
        RESIDUAL
    }

    public TokenTmConfig {
        if (lastLayers < 0) {
            throw new IllegalArgumentException("parameter 'last-layers' must be >= 0 (0 = all), got " + lastLayers);
        }
        java.util.Objects.requireNonNull(necc, "necc");
        java.util.Objects.requireNonNull(aggregation, "aggregation");
        java.util.Objects.requireNonNull(init, "init");
        java.util.Objects.requireNonNull(gradient, "gradient");
        java.util.Objects.requireNonNull(attentionFrom, "attentionFrom");
        java.util.Objects.requireNonNull(attentionAfter, "attentionAfter");
        java.util.Objects.requireNonNull(mlpAfter, "mlpAfter");
        java.util.Objects.requireNonNull(target, "target");
    }

    /** TokenTM as we read the paper (the {@code tokentm} method). */
    public static TokenTmConfig paper() {
        return new TokenTmConfig(
                true,
                Necc.SOFTMAX,
                Aggregation.PRODUCT,
                0,
                true,
                Init.LENGTH,
                Gradient.GAE,
                AttentionFrom.INPUT,
                AttentionAfter.VALUE,
                MlpAfter.OUTPUT,
                ClassScore.LOGIT);
    }

    /**
     * TokenTM as LibraGrad's independent re-implementation computes it (Mehri et al., CVPR 2025,
     * {@code transform_TokenTM}): "after" tokens past the residuals, gradient applied separately,
     * gradients of the class probability (the {@code tokentm-libragrad} method).
     */
    public static TokenTmConfig libraGrad() {
        return new TokenTmConfig(
                true,
                Necc.SOFTMAX,
                Aggregation.PRODUCT,
                0,
                true,
                Init.LENGTH,
                Gradient.SEPARATE,
                AttentionFrom.INPUT,
                AttentionAfter.RESIDUAL,
                MlpAfter.RESIDUAL,
                ClassScore.PROBABILITY);
    }

    /** From a spec's parameters, each omitted one as in {@code base}. */
    static TokenTmConfig of(MethodArguments a, TokenTmConfig base) {
        return new TokenTmConfig(
                onOff(a, "length", base.length),
                a.choice("necc", base.necc),
                a.choice("aggregation", base.aggregation),
                a.integer("last-layers", base.lastLayers),
                onOff(a, "mlp", base.mlp),
                a.choice("init", base.init),
                a.choice("gradient", base.gradient),
                a.choice("attention-from", base.attentionFrom),
                a.choice("attention-after", base.attentionAfter),
                a.choice("mlp-after", base.mlpAfter),
                a.choice("target", base.target));
    }

    /** This config as a spec of {@code name}: the parameters that differ from {@code base}, in {@link #of}'s order. */
    MethodSpec spec(String name, TokenTmConfig base) {
        return MethodSpec.named(name)
                .with("length", onOff(length), onOff(base.length))
                .with("necc", necc, base.necc)
                .with("aggregation", aggregation, base.aggregation)
                .with("last-layers", lastLayers, base.lastLayers)
                .with("mlp", onOff(mlp), onOff(base.mlp))
                .with("init", init, base.init)
                .with("gradient", gradient, base.gradient)
                .with("attention-from", attentionFrom, base.attentionFrom)
                .with("attention-after", attentionAfter, base.attentionAfter)
                .with("mlp-after", mlpAfter, base.mlpAfter)
                .with("target", target, base.target);
    }

    private static boolean onOff(MethodArguments a, String key, boolean defaultValue) {
        return a.choice(key, onOff(defaultValue), java.util.List.of("on", "off"))
                .equals("on");
    }

    private static String onOff(boolean v) {
        return v ? "on" : "off";
    }
}
