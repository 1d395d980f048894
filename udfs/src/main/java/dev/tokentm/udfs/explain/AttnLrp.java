package dev.tokentm.udfs.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tokentm.udfs.model.GradientRules;
import dev.tokentm.udfs.model.TracePoint;
import dev.tokentm.udfs.model.TraceRequest;
import dev.tokentm.udfs.model.VitConfig;
import dev.tokentm.udfs.model.VitTrace;
import java.util.EnumSet;

/**
 * AttnLRP (Achtibat, Hatefi, Dreyer, Jain, Wiegand, Lapuschkin, Samek, ICML 2024;
 * rachtibat/LRP-eXplains-Transformers, lxt's efficient rules) as Gradient × Input at the pixels, summed
 * over the channels: one forward and one backward pass under {@link GradientRules#ATTN_LRP} (LayerNorm scale
 * constant, GELU's identity rule, the attention's bilinear products by the uniform rule), plain gradients
 * through the linear layers and the patch convolution. {@code variant=cp} is CP-LRP ({@link
 * GradientRules#CP_LRP}: attention probabilities constant), which lxt's ViT example uses. Biases and
 * position embeddings keep part of the relevance, so a map sums to a part of the logit.
 *
 * @param variant the attention's rule
 * @param pixels a map per pixel; else per patch (each patch's sum)
 */
public record AttnLrp(Variant variant, boolean pixels) implements Explainer {

    /** Which rule crosses the attention. */
    public enum Variant {
        /** The uniform rule through softmax and q kᵀ (AttnLRP). */
        ATTNLRP(GradientRules.ATTN_LRP),
        /** Attention probabilities constant (CP-LRP, Ali et al. 2022). */
        CP(GradientRules.CP_LRP);

        private final GradientRules rules;

        Variant(GradientRules rules) {
            this.rules = rules;
        }

        /** The backward pass's rules. */
        public GradientRules rules() {
            return rules;
        }
    }

    public AttnLrp {
        java.util.Objects.requireNonNull(variant, "variant");
    }

    /** AttnLRP per pixel. */
    public AttnLrp() {
        this(Variant.ATTNLRP, true);
    }

    /** From a spec: {@code attnlrp(variant=attnlrp|cp, resolution=pixel|patch)}. */
    static AttnLrp of(MethodArguments a) {
        return new AttnLrp(a.choice("variant", Variant.ATTNLRP), MapResolution.pixels(a));
    }

    @Override
    public String name() {
        return MethodSpec.named("attnlrp")
                .with("variant", MethodSpec.word(variant), MethodSpec.word(Variant.ATTNLRP))
                .with("resolution", MapResolution.of(pixels), MapResolution.PIXEL)
                .toString();
    }

    @Override
    public boolean pixelResolution() {
        return pixels;
    }

    /** The explained classes; its pass runs under its own rules. */
    @Override
    public TraceRequest needs() {
        return TraceRequest.none();
    }

    @Override
    public NDArray explain(ExplainContext context) {
        VitConfig c = context.config();
        NDArray x = context.images();
        TraceRequest request =
                TraceRequest.under(variant.rules(), EnumSet.of(TracePoint.BLOCK_INPUT), context.targetClasses());
        try (VitTrace trace = context.model().trace(x, request);
                NDManager scope = context.manager().newSubManager()) {
            NDArray tokenGradient =
                    trace.block(0).gradient(TracePoint.BLOCK_INPUT).get(":, " + c.numPrefixTokens() + ":, :");
            scope.tempAttachAll(x);
            NDArray map = PatchEmbedding.gradientTimesInput(context.model(), x, tokenGradient, pixels);
            map.attach(context.manager());
            return map;
        }
    }
}
