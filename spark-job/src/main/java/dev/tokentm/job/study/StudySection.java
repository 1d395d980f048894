package dev.tokentm.job.study;

import dev.tokentm.udfs.explain.ExplainerRegistry;
import dev.tokentm.udfs.explain.MethodSpec;
import dev.tokentm.udfs.explain.TokenTm;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * The parts of the TokenTM study ({@code tokentm study}): the paper's ablations (its Tables 6 and
 * 7) and the readings of {@code docs/tokentm.md}, each a list of {@code tokentm} method specs. The
 * paper's reading, {@code tokentm}, runs in every study as the reference of the comparisons.
 */
public enum StudySection {
    /** Table 6 under our reading: without L, without NECC, without the aggregation framework. */
    TABLE6("Table 6: ablations", depth -> readings("length=off", "necc=off", "aggregation=sum")),
    /**
     * Table 6 under the reading where NECC is scaled by the token count, where the aggregation is
     * not close to its first-order expansion (so "without the aggregation framework" can matter).
     */
    TABLE6_SCALED(
            "Table 6 with necc=scaled",
            depth -> readings("necc=scaled", "length=off,necc=scaled", "necc=scaled,aggregation=sum")),
    /** Table 7: the last k blocks only, k = 1 ... depth − 1 (k = depth is {@code tokentm}). */
    TABLE7(
            "Table 7: last k layers",
            depth -> readings(
                    IntStream.range(1, depth).mapToObj(k -> "last-layers=" + k).toArray(String[]::new))),
    /** Every other reading, one switch at a time, and LibraGrad's re-implementation. */
    READINGS("readings", depth -> {
        List<String> specs = new java.util.ArrayList<>(readings(
                "necc=exp",
                "attention-from=norm",
                "attention-after=residual",
                "mlp-after=residual",
                "gradient=separate",
                "target=probability",
                "gradient=none",
                "mlp=off",
                "init=identity"));
        specs.add(TokenTm.Preset.LIBRAGRAD.method());
        return specs;
    });

    /** The reference's spec with these parameters, one reading each: {@code tokentm(necc=exp)}. */
    private static List<String> readings(String... parameters) {
        return java.util.Arrays.stream(parameters)
                .map(p -> ExplainerRegistry.REFERENCE + "(" + p + ")")
                .toList();
    }

    private final String title;
    private final java.util.function.IntFunction<List<String>> specs;

    StudySection(String title, java.util.function.IntFunction<List<String>> specs) {
        this.title = title;
        this.specs = specs;
    }

    public String title() {
        return title;
    }

    /** How the command line names this section. */
    public String label() {
        return MethodSpec.word(this);
    }

    /** This section's method specs for a model of {@code depth} blocks. */
    public List<String> specs(int depth) {
        return specs.apply(depth);
    }

    /** A section by its label; the error lists the labels. */
    public static StudySection parse(String label) {
        for (StudySection s : values()) {
            if (s.label().equals(label.strip())) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown study section '" + label.strip() + "'; known: "
                + String.join(
                        ", ",
                        java.util.Arrays.stream(values())
                                .map(StudySection::label)
                                .toList()));
    }

    /** Sections by label, each once, in the order given; blank labels name none. */
    public static List<StudySection> parseAll(List<String> labels) {
        return labels.stream()
                .filter(l -> !l.isBlank())
                .map(StudySection::parse)
                .distinct()
                .toList();
    }

    /** The reference, then every section's specs, then the baselines, each once, in that order. */
    public static List<String> methods(List<StudySection> sections, List<String> baselines, int depth) {
        Set<String> methods = new LinkedHashSet<>();
        methods.add(ExplainerRegistry.REFERENCE);
        sections.forEach(s -> methods.addAll(s.specs(depth)));
        methods.addAll(baselines);
        return List.copyOf(methods);
    }
}
