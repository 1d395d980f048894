package dev.tokentm.udfs.model;

import java.util.Objects;

/**
 * How a trace's backward pass treats the layers that relevance propagation gives rules of its own; forward
 * values never change. Each rule is a modified gradient, so that gradient × input is the rule's relevance
 * (the Gradient × Input form of LRP that AttnLRP computes, Achtibat et al., ICML 2024, Sec. 3): one forward
 * and one backward pass, batched.
 *
 * @param normScaleConstant every LayerNorm's standard deviation, the final norm's too, is a constant: the
 *     LN-rule of Ali et al. (ICML 2022), AttnLRP's identity rule for normalization
 * @param attention how gradients cross the attention's products
 * @param activationIdentity GELU passes {@code ∂/∂y · GELU(x) / (x + 1e-10)}: the identity rule of AttnLRP
 *     (Eq. 9) for element-wise non-linearities, as lxt computes it
 */
public record GradientRules(boolean normScaleConstant, AttentionRule attention, boolean activationIdentity) {

    /** How gradients cross {@code softmax(q kᵀ / √d) v}. */
    public enum AttentionRule {
        /** Ordinary gradients. */
        GRADIENT,
        /** The attention probabilities are constants (AH-rule of Ali et al.; CP-LRP): no gradient reaches q or k. */
        CONSTANT,
        /**
         * AttnLRP's uniform rule for the bilinear products q kᵀ and A v (Eq. 7): each operand gets half the
         * relevance, so the gradient reaching q and k is divided by 4 (two products on the way) and v's by 2.
         */
        UNIFORM
    }

    /** The ordinary gradient. */
    public static final GradientRules GRADIENT = new GradientRules(false, AttentionRule.GRADIENT, false);

    /** Conservative propagation (Ali et al., ICML 2022): attention probabilities and LayerNorm scales constant. */
    public static final GradientRules CONSERVATIVE = new GradientRules(true, AttentionRule.CONSTANT, false);

    /** CP-LRP as lxt computes it: conservative propagation with GELU's identity rule. */
    public static final GradientRules CP_LRP = new GradientRules(true, AttentionRule.CONSTANT, true);

    /** AttnLRP (Achtibat et al., ICML 2024), lxt's efficient rules. */
    public static final GradientRules ATTN_LRP = new GradientRules(true, AttentionRule.UNIFORM, true);

    public GradientRules {
        Objects.requireNonNull(attention, "attention");
    }
}
