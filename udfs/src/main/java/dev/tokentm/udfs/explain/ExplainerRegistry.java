package dev.tokentm.udfs.explain;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The explainers by the names used on the command line and in outputs, each built from a {@link
 * MethodSpec} ({@code integrated-gradients(steps=64)}).
 */
public final class ExplainerRegistry {

    private static final Map<String, Function<MethodArguments, Explainer>> METHODS = new LinkedHashMap<>();

    /**
     * The method every other is compared with (paired differences, the report's highlight, the audit):
     * TokenTM as its paper defines it.
     */
    public static final String REFERENCE = TokenTm.Preset.PAPER.method();

    static {
        register(REFERENCE, a -> TokenTm.of(TokenTm.Preset.PAPER, a));
        register("raw-attention", a -> new RawAttention());
        register("rollout", a -> new AttentionRollout());
        register("gae", a -> new Gae());
        register("attention-gradcam", a -> new AttentionGradCam());
        register("transformer-attribution", a -> new TransformerAttribution());
        register("lrp", a -> new ConservativeLrp());
        register("attcat", a -> new AttCat());
        register("grad-sam", a -> new GradSam());
        register("integrated-gradients", IntegratedGradients::of);
        register("gradcam", a -> new GradCam());
        register("partial-lrp", a -> new PartialLrp());
        register("full-lrp", a -> new FullLrp());
        register("bt-h", a -> BeyondIntuition.of(BeyondIntuition.Perception.HEAD, a));
        register("bt-t", a -> BeyondIntuition.of(BeyondIntuition.Perception.TOKEN, a));
        register("attention-flow", a -> new AttentionFlow());
        register("shapley", Shapley::of);
        register("atman", AtMan::of);
        register("vit-cx", VitCx::of);
        register(TokenTm.Preset.LIBRAGRAD.method(), a -> TokenTm.of(TokenTm.Preset.LIBRAGRAD, a));
        register("r-cut", RCut::of);
        register("evit", Evit::of);
        register("head-attention", HeadAttention::of);
        register("vit-shapley", VitShapley::of);
        register("vit-reciprocam", a -> new VitReciproCam());
        register("legrad", LeGrad::of);
        register("attnlrp", AttnLrp::of);
        register("tis", Tis::of);
    }

    private ExplainerRegistry() {}

    private static void register(String name, Function<MethodArguments, Explainer> factory) {
        String built =
                factory.apply(new MethodArguments(MethodSpec.named(name))).name();
        if (!built.equals(name)) {
            throw new IllegalStateException("method registered as '" + name + "' names itself '" + built + "'");
        }
        METHODS.put(name, factory);
    }

    /** Every registered name, TokenTM first. */
    public static List<String> names() {
        return List.copyOf(METHODS.keySet());
    }

    /**
     * The methods whose maps need no class, at their defaults, and TokenTM without gradients: what
     * runs on a model without a classifier.
     */
    public static List<String> classIndependent() {
        List<String> names = new java.util.ArrayList<>(
                METHODS.keySet().stream().filter(n -> get(n).classIndependent()).toList());
        names.add(TokenTm.Preset.PAPER.method() + "(gradient=none)");
        return names;
    }

    /**
     * The methods a run explains unless told otherwise: TokenTM and the baselines of its paper (the
     * first eight registered). The survey's further methods are chosen by name: some cost dozens of
     * passes per image.
     */
    public static List<String> defaults() {
        return names().subList(0, 8);
    }

    /**
     * The explainer a spec names, {@code name} or {@code name(key=value,...)}; its {@link
     * Explainer#name()} is the canonical spec. Errors name the method and the parameter, or list the
     * valid names.
     */
    public static Explainer get(String spec) {
        MethodSpec parsed = MethodSpec.parse(spec);
        Function<MethodArguments, Explainer> factory = METHODS.get(parsed.name());
        if (factory == null) {
            throw new IllegalArgumentException("unknown explanation method '" + parsed.name() + "'; known: "
                    + String.join(", ", METHODS.keySet()));
        }
        MethodArguments arguments = new MethodArguments(parsed);
        Explainer explainer;
        try {
            explainer = factory.apply(arguments);
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            throw message.startsWith("method '")
                    ? e
                    : new IllegalArgumentException("method '" + parsed.name() + "': " + message, e);
        }
        arguments.checkAllRead();
        return explainer;
    }

    /** The canonical spelling of a spec (defaults dropped), as the output's method column holds it. */
    public static String canonical(String spec) {
        return get(spec).name();
    }
}
