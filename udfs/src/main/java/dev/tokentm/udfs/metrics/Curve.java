package dev.tokentm.udfs.metrics;

import java.util.Arrays;
import java.util.List;

/**
 * Every perturbation curve the removal protocols draw: which protocol (and so which {@link
 * Removal}), which pixels go first, whether they are removed or revealed, how far the curve runs,
 * and which per-step values the per-image table keeps ({@code <prefix>_<field>}). The table's
 * columns, the scores read off the curves ({@link Score}), the dataset sums and metrics, the printed
 * sections and the report all come from this list: a new protocol is a {@link Protocol} with its
 * removal, its curves here and its scores in {@link Score}.
 */
public enum Curve {
    /** The published perturbation test, most relevant pixels set to 0 first (MoRF). */
    POSITIVE(
            Protocol.ZERO,
            "positive",
            PixelOrder.POSITIVE,
            Pixels.REMOVED,
            Extent.STEPS,
            "most relevant pixels removed first",
            StepField.PUBLISHED_TEST),
    /** The published perturbation test, least relevant pixels set to 0 first (LeRF). */
    NEGATIVE(
            Protocol.ZERO,
            "negative",
            PixelOrder.NEGATIVE,
            Pixels.REMOVED,
            Extent.STEPS,
            "least relevant pixels removed first",
            StepField.PUBLISHED_TEST),
    /** RISE's deletion (Petsiuk et al. BMVC 2018): {@link #POSITIVE} continued to the all-zero image. */
    DELETION(
            Protocol.ZERO,
            "deletion",
            PixelOrder.POSITIVE,
            Pixels.REMOVED,
            Extent.TO_END,
            "RISE's deletion, most relevant pixels set to 0 first, at 0, the steps and 1 (all removed)",
            List.of(StepField.EXPLAINED_PROBABILITY)),
    /** ROAD's noisy linear imputation, most relevant first. */
    ROAD_MORF(
            Protocol.ROAD,
            "road_morf",
            PixelOrder.POSITIVE,
            Pixels.REMOVED,
            Extent.STEPS,
            "ROAD (noisy linear imputation), most relevant pixels removed first",
            List.of(StepField.CORRECT, StepField.EXPLAINED_PROBABILITY)),
    /** ROAD's noisy linear imputation, least relevant first. */
    ROAD_LERF(
            Protocol.ROAD,
            "road_lerf",
            PixelOrder.NEGATIVE,
            Pixels.REMOVED,
            Extent.STEPS,
            "ROAD (noisy linear imputation), least relevant pixels removed first",
            List.of(StepField.CORRECT, StepField.EXPLAINED_PROBABILITY)),
    /** Pixels blurred, most relevant first. */
    BLUR_MORF(
            Protocol.BLUR,
            "blur_morf",
            PixelOrder.POSITIVE,
            Pixels.REMOVED,
            Extent.STEPS,
            "pixels replaced by a blurred copy, most relevant first",
            List.of(StepField.CORRECT, StepField.EXPLAINED_PROBABILITY)),
    /** Pixels blurred, least relevant first. */
    BLUR_LERF(
            Protocol.BLUR,
            "blur_lerf",
            PixelOrder.NEGATIVE,
            Pixels.REMOVED,
            Extent.STEPS,
            "pixels replaced by a blurred copy, least relevant first",
            List.of(StepField.CORRECT, StepField.EXPLAINED_PROBABILITY)),
    /** RISE's insertion: the most relevant pixels revealed first on a blurred copy, up to the image. */
    INSERTION(
            Protocol.BLUR,
            "insertion",
            PixelOrder.POSITIVE,
            Pixels.REVEALED,
            Extent.TO_END,
            "RISE's insertion, most relevant pixels revealed first on a blurred copy, at 0 (all blurred), the steps"
                    + " and 1 (the image)",
            List.of(StepField.EXPLAINED_PROBABILITY));

    /** What happens to the pixels in the order: removed from the image, or revealed on a fully replaced copy. */
    public enum Pixels {
        REMOVED,
        REVEALED
    }

    /** How far a curve runs: the protocol's steps, or on to fraction 1 (every pixel removed or revealed). */
    public enum Extent {
        STEPS,
        TO_END
    }

    private final Protocol protocol;
    private final String prefix;
    private final PixelOrder order;
    private final boolean reveal;
    private final boolean toEnd;
    private final String doc;
    private final List<StepField> fields;

    Curve(
            Protocol protocol,
            String prefix,
            PixelOrder order,
            Pixels pixels,
            Extent extent,
            String doc,
            List<StepField> fields) {
        this.protocol = protocol;
        this.prefix = prefix;
        this.order = order;
        this.reveal = pixels == Pixels.REVEALED;
        this.toEnd = extent == Extent.TO_END;
        this.doc = doc;
        this.fields = fields;
    }

    /** The protocol that draws it. */
    public Protocol protocol() {
        return protocol;
    }

    /** The prefix of its columns ({@code road_morf_correct}, {@code accuracy_road_morf}). */
    public String prefix() {
        return prefix;
    }

    /** Which pixels go (or come) first. */
    public PixelOrder order() {
        return order;
    }

    /** What the curve does to the image at each step: its protocol's removal, in its order. */
    public Perturbation perturbation() {
        return new Perturbation(order, protocol.removal(), reveal, toEnd);
    }

    /** Whether it runs to fraction 1 (every pixel removed or revealed) beyond the protocol's steps. */
    public boolean toEnd() {
        return toEnd;
    }

    /** What the curve is, one phrase (column documentation). */
    public String doc() {
        return doc;
    }

    /** The per-step values the per-image table keeps. */
    public List<StepField> fields() {
        return fields;
    }

    /** Whether it records per-step correctness: the dataset then has an accuracy curve for it. */
    public boolean hasAccuracy() {
        return fields.contains(StepField.CORRECT);
    }

    /** The curves of these protocols, in declaration order. */
    public static List<Curve> of(java.util.Set<Protocol> protocols) {
        return Arrays.stream(values())
                .filter(c -> protocols.contains(c.protocol))
                .toList();
    }

    /** The curves with an accuracy curve over the dataset, in declaration order. */
    public static List<Curve> withAccuracy() {
        return Arrays.stream(values()).filter(Curve::hasAccuracy).toList();
    }
}
