package dev.tokentm.udfs.explain;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The explainers by the names used on the command line and in outputs. */
public final class ExplainerRegistry {

    private static final Map<String, Supplier<Explainer>> METHODS = new LinkedHashMap<>();

    static {
        register(TokenTm::new);
        register(RawAttention::new);
        register(AttentionRollout::new);
        register(Gae::new);
        register(AttentionGradCam::new);
        register(TransformerAttribution::new);
        register(ConservativeLrp::new);
        register(AttCat::new);
        register(GradSam::new);
        register(IntegratedGradients::new);
    }

    private ExplainerRegistry() {}

    private static void register(Supplier<Explainer> factory) {
        METHODS.put(factory.get().name(), factory);
    }

    /** Every registered name, TokenTM first. */
    public static List<String> names() {
        return List.copyOf(METHODS.keySet());
    }

    /**
     * The methods a run explains unless told otherwise: TokenTM and the baselines of its paper (the
     * first eight registered). The survey's further methods are chosen by name: some cost dozens of
     * passes per image.
     */
    public static List<String> defaults() {
        return names().subList(0, 8);
    }

    /** The explainer with its default options; the error lists the valid names. */
    public static Explainer get(String name) {
        Supplier<Explainer> factory = METHODS.get(name);
        if (factory == null) {
            throw new IllegalArgumentException(
                    "unknown explanation method '" + name + "'; known: " + String.join(", ", METHODS.keySet()));
        }
        return factory.get();
    }
}
