package dev.tokentm.udfs.explain;

/**
 * Every option of {@link TokenTm} in one place. The defaults are the method as the paper
 * describes it; the switches reproduce its ablations (Tables 6 and 7) and the alternative
 * readings listed in {@code docs/tokentm.md}.
 *
 * @param useLength weigh transformations by the length ratio {@code L(x̃)/L(x)} (off: "w/o L")
 * @param useNecc weigh transformations by NECC (off: "w/o NECC")
 * @param aggregate multiply the layers' maps through the network (off: "w/o aggregation
 *     framework": the layers' [CLS] rows are summed, each on its own)
 * @param lastLayers aggregate only the last k blocks (0 = all blocks; Table 7)
 * @param includeMlp count the MLP sub-layer's token-wise transformation (off: attention only)
 * @param lengthInit start from the lengths of the input tokens (off: from the identity)
 * @param gradientWeighted weigh attention by its gradient, head-averaged like GAE (off: plain
 *     head-mean attention)
 * @param neccScaledByTokens multiply NECC by the number of tokens, so a token with the average
 *     direction change gets 1 (an alternative reading; off in the paper's form)
 * @param normalizedInput measure the attention sub-layer's transformation from {@code norm1(x)}
 *     rather than from the block input x (an alternative reading)
 */
public record TokenTmConfig(
        boolean useLength,
        boolean useNecc,
        boolean aggregate,
        int lastLayers,
        boolean includeMlp,
        boolean lengthInit,
        boolean gradientWeighted,
        boolean neccScaledByTokens,
        boolean normalizedInput) {

    public TokenTmConfig {
        if (lastLayers < 0) {
            throw new IllegalArgumentException("parameter 'last-layers' must be >= 0 (0 = all), got " + lastLayers);
        }
    }

    /**
     * From a spec, each switch by the name the command line uses: {@code tokentm(length=on|off,
     * necc=softmax|scaled|off, aggregation=product|sum, last-layers=k, mlp=on|off, init=length|identity,
     * gradient=gae|none, attention-from=input|norm)}; omitted switches keep their defaults.
     */
    static TokenTmConfig of(MethodArguments a) {
        TokenTmConfig d = defaults();
        String necc = a.choice("necc", "softmax", NECC);
        return new TokenTmConfig(
                onOff(a, "length", d.useLength),
                !necc.equals("off"),
                a.choice("aggregation", "product", AGGREGATION).equals("product"),
                a.integer("last-layers", d.lastLayers),
                onOff(a, "mlp", d.includeMlp),
                a.choice("init", "length", INIT).equals("length"),
                a.choice("gradient", "gae", GRADIENT).equals("gae"),
                necc.equals("scaled"),
                a.choice("attention-from", "input", ATTENTION_FROM).equals("norm"));
    }

    /** This config as a spec of {@code name}: the switches not at their defaults, in {@link #of}'s order. */
    MethodSpec spec(String name) {
        TokenTmConfig d = defaults();
        String necc = !useNecc ? "off" : neccScaledByTokens ? "scaled" : "softmax";
        return MethodSpec.named(name)
                .with("length", onOff(useLength), onOff(d.useLength))
                .with("necc", necc, "softmax")
                .with("aggregation", aggregate ? "product" : "sum", "product")
                .with("last-layers", lastLayers, d.lastLayers)
                .with("mlp", onOff(includeMlp), onOff(d.includeMlp))
                .with("init", lengthInit ? "length" : "identity", "length")
                .with("gradient", gradientWeighted ? "gae" : "none", "gae")
                .with("attention-from", normalizedInput ? "norm" : "input", "input");
    }

    private static final java.util.List<String> ON_OFF = java.util.List.of("on", "off");
    private static final java.util.List<String> NECC = java.util.List.of("softmax", "scaled", "off");
    private static final java.util.List<String> AGGREGATION = java.util.List.of("product", "sum");
    private static final java.util.List<String> INIT = java.util.List.of("length", "identity");
    private static final java.util.List<String> GRADIENT = java.util.List.of("gae", "none");
    private static final java.util.List<String> ATTENTION_FROM = java.util.List.of("input", "norm");

    private static boolean onOff(MethodArguments a, String key, boolean defaultValue) {
        return a.choice(key, onOff(defaultValue), ON_OFF).equals("on");
    }

    private static String onOff(boolean v) {
        return v ? "on" : "off";
    }

    /** The method as published. */
    public static TokenTmConfig defaults() {
        return new TokenTmConfig(true, true, true, 0, true, true, true, false, false);
    }

    public TokenTmConfig withUseLength(boolean v) {
        return new TokenTmConfig(
                v,
                useNecc,
                aggregate,
                lastLayers,
                includeMlp,
                lengthInit,
                gradientWeighted,
                neccScaledByTokens,
                normalizedInput);
    }

    public TokenTmConfig withUseNecc(boolean v) {
        return new TokenTmConfig(
                useLength,
                v,
                aggregate,
                lastLayers,
                includeMlp,
                lengthInit,
                gradientWeighted,
                neccScaledByTokens,
                normalizedInput);
    }

    public TokenTmConfig withAggregate(boolean v) {
        return new TokenTmConfig(
                useLength,
                useNecc,
                v,
                lastLayers,
                includeMlp,
                lengthInit,
                gradientWeighted,
                neccScaledByTokens,
                normalizedInput);
    }

    public TokenTmConfig withLastLayers(int k) {
        return new TokenTmConfig(
                useLength,
                useNecc,
                aggregate,
                k,
                includeMlp,
                lengthInit,
                gradientWeighted,
                neccScaledByTokens,
                normalizedInput);
    }

    public TokenTmConfig withIncludeMlp(boolean v) {
        return new TokenTmConfig(
                useLength,
                useNecc,
                aggregate,
                lastLayers,
                v,
                lengthInit,
                gradientWeighted,
                neccScaledByTokens,
                normalizedInput);
    }

    public TokenTmConfig withLengthInit(boolean v) {
        return new TokenTmConfig(
                useLength,
                useNecc,
                aggregate,
                lastLayers,
                includeMlp,
                v,
                gradientWeighted,
                neccScaledByTokens,
                normalizedInput);
    }

    public TokenTmConfig withGradientWeighted(boolean v) {
        return new TokenTmConfig(
                useLength,
                useNecc,
                aggregate,
                lastLayers,
                includeMlp,
                lengthInit,
                v,
                neccScaledByTokens,
                normalizedInput);
    }

    public TokenTmConfig withNeccScaledByTokens(boolean v) {
        return new TokenTmConfig(
                useLength,
                useNecc,
                aggregate,
                lastLayers,
                includeMlp,
                lengthInit,
                gradientWeighted,
                v,
                normalizedInput);
    }

    public TokenTmConfig withNormalizedInput(boolean v) {
        return new TokenTmConfig(
                useLength,
                useNecc,
                aggregate,
                lastLayers,
                includeMlp,
                lengthInit,
                gradientWeighted,
                neccScaledByTokens,
                v);
    }
}
