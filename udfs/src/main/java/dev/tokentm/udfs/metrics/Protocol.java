package dev.tokentm.udfs.metrics;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The faithfulness protocols a run can measure ({@code --protocols}). A removal protocol replaces
 * pixels with its {@link Removal} and draws the {@link Curve}s that name it; the sanity checks run
 * apart, on a sample. The segmentation test runs whenever an image has a mask and is not listed here.
 */
public enum Protocol {
    /** Pixels set to 0, most and least relevant first (Chefer et al. CVPR 2021), AOPC, LOdds, RISE's deletion, SRG. */
    ZERO(
            "pixels set to 0, most and least relevant first: AUC+, AUC-, AOPC, LOdds, SRG, deletion",
            "pixels set to 0 (Chefer et al.; RISE deletion)",
            Removal.ZERO),
    /** ROAD: removed pixels imputed from their neighbours (Rong, Leemann et al. ICML 2022), MoRF and LeRF, SRG. */
    ROAD(
            "pixels replaced by noisy linear imputation (ROAD), most and least relevant first, SRG",
            "ROAD: noisy linear imputation",
            NoisyLinearImputer.road()),
    /** Removed pixels blurred, MoRF and LeRF, SRG, and RISE's insertion on a blurred copy. */
    BLUR(
            "pixels replaced by a blurred copy, most and least relevant first, SRG, insertion",
            "blurred copy (RISE insertion)",
            GaussianBlur.rise()),
    /** Cascading model randomization and the random-logit test on a sample of the input. */
    SANITY("model randomization and random-logit checks on a sample of the input", null, null);

    private final String doc;
    private final String title;
    private final Removal removal;

    Protocol(String doc, String title, Removal removal) {
        this.doc = doc;
        this.title = title;
        this.removal = removal;
    }

    /** What the protocol measures, for help texts. */
    public String doc() {
        return doc;
    }

    /** The heading of its metrics in printed tables; null for the sanity checks. */
    public String title() {
        return title;
    }

    /** What replaces the pixels it removes; null for the sanity checks, which remove none. */
    public Removal removal() {
        return removal;
    }

    /** Whether it draws perturbation curves (every protocol but the sanity checks). */
    public boolean removes() {
        return removal != null;
    }

    /** The name on the command line and in outputs. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Every protocol. */
    public static Set<Protocol> all() {
        return EnumSet.allOf(Protocol.class);
    }

    /** The protocols that remove pixels, in declaration order. */
    public static List<Protocol> removals() {
        return Arrays.stream(values()).filter(Protocol::removes).toList();
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
