package dev.tokentm.udfs.metrics;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The faithfulness protocols a run can measure ({@code --protocols}). The segmentation test runs
 * whenever an image has a mask and is not listed here.
 */
public enum Protocol {
    /** Pixels set to 0, most and least relevant first (Chefer et al. CVPR 2021), AOPC, LOdds, RISE's deletion, SRG. */
    ZERO("pixels set to 0, most and least relevant first: AUC+, AUC-, AOPC, LOdds, SRG, deletion"),
    /** ROAD: removed pixels imputed from their neighbours (Rong, Leemann et al. ICML 2022), MoRF and LeRF, SRG. */
    ROAD("pixels replaced by noisy linear imputation (ROAD), most and least relevant first, SRG"),
    /** Removed pixels blurred, MoRF and LeRF, SRG, and RISE's insertion on a blurred copy. */
    BLUR("pixels replaced by a blurred copy, most and least relevant first, SRG, insertion"),
    /** Cascading model randomization and the random-logit test on a sample of the input. */
    SANITY("model randomization and random-logit checks on a sample of the input");

    private final String doc;

    Protocol(String doc) {
        this.doc = doc;
    }

    /** What the protocol measures, for help texts. */
    public String doc() {
        return doc;
    }

    /** The name on the command line and in outputs. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Every protocol. */
    public static Set<Protocol> all() {
        return EnumSet.allOf(Protocol.class);
    }

    /** A protocol by name, failing with the list of names. */
    public static Protocol parse(String name) {
        for (Protocol p : values()) {
            if (p.label().equals(name.trim().toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown protocol '" + name.trim() + "'; known: " + names());
    }

    /** Protocol names, comma separated. */
    public static String names() {
        return Arrays.stream(values()).map(Protocol::label).collect(Collectors.joining(", "));
    }

    /** The labels of a set, in declaration order. */
    public static List<String> labels(Set<Protocol> protocols) {
        return Arrays.stream(values())
                .filter(protocols::contains)
                .map(Protocol::label)
                .toList();
    }
}
