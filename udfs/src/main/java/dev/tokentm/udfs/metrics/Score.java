package dev.tokentm.udfs.metrics;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every score read off the perturbation curves: per image (a column of the per-image table) and
 * over a dataset (its mean over the images that have it, a column of the metrics table with a
 * bootstrap interval, printed in its protocol's section). Declared in the order the metrics table,
 * the printed tables and the summary list them: by protocol, as {@link Curve}.
 */
public enum Score {
    POSITIVE_AUC(
            Reading.ACCURACY_AREA,
            "positive_auc",
            "area under this image's 0/1 accuracy curve, most relevant set to 0 first; null without a label",
            "auc_positive",
            "area under the accuracy curve over the fraction removed, most relevant pixels set to 0 first",
            "AUC+",
            "AUC+",
            false,
            Curve.POSITIVE),
    NEGATIVE_AUC(
            Reading.ACCURACY_AREA,
            "negative_auc",
            "the same, least relevant set to 0 first",
            "auc_negative",
            "the same, least relevant pixels set to 0 first",
            "AUC-",
            "AUC-",
            true,
            Curve.NEGATIVE),
    SRG(
            Reading.SRG,
            "srg",
            "SRG with zeroing: `negative_auc` − `positive_auc` (higher is better)",
            "srg",
            "SRG with zeroing: `auc_negative` − `auc_positive`",
            "SRG",
            "SRG",
            true,
            Curve.POSITIVE,
            Curve.NEGATIVE),
    AOPC(
            Reading.AOPC,
            "aopc",
            "AOPC of the explained class, most relevant set to 0 first",
            "aopc",
            "mean per-image AOPC",
            "AOPC",
            "AOPC",
            true,
            Curve.POSITIVE),
    LOG_ODDS(
            Reading.LOG_ODDS,
            "log_odds",
            "LOdds of the explained class, most relevant set to 0 first",
            "log_odds",
            "mean per-image LOdds",
            "LOdds",
            "LOdds",
            false,
            Curve.POSITIVE),
    DELETION_AUC(
            Reading.PROBABILITY_AREA,
            "deletion_auc",
            "area under the deletion curve, fraction 0 to 1 (lower is better)",
            "deletion_auc",
            "mean area under RISE's deletion curve (explained class's probability, fraction 0 to 1)",
            "Del",
            "Del",
            false,
            Curve.DELETION),
    ROAD_MORF_AUC(
            Reading.ACCURACY_AREA,
            "road_morf_auc",
            "area under this image's 0/1 accuracy curve, ROAD, most relevant removed first; null without a label",
            "road_morf_auc",
            "ROAD: area under the accuracy curve, most relevant pixels imputed first",
            "MoRF",
            "ROAD MoRF",
            false,
            Curve.ROAD_MORF),
    ROAD_LERF_AUC(
            Reading.ACCURACY_AREA,
            "road_lerf_auc",
            "the same, least relevant removed first",
            "road_lerf_auc",
            "ROAD: the same, least relevant first",
            "LeRF",
            "ROAD LeRF",
            true,
            Curve.ROAD_LERF),
    ROAD_SRG(
            Reading.SRG,
            "road_srg",
            "SRG with ROAD: `road_lerf_auc` − `road_morf_auc`",
            "road_srg",
            "`road_lerf_auc` − `road_morf_auc`",
            "SRG",
            "ROAD SRG",
            true,
            Curve.ROAD_MORF,
            Curve.ROAD_LERF),
    BLUR_MORF_AUC(
            Reading.ACCURACY_AREA,
            "blur_morf_auc",
            "area under this image's 0/1 accuracy curve, blurred, most relevant first; null without a label",
            "blur_morf_auc",
            "area under the accuracy curve, most relevant pixels blurred first",
            "MoRF",
            "blur MoRF",
            false,
            Curve.BLUR_MORF),
    BLUR_LERF_AUC(
            Reading.ACCURACY_AREA,
            "blur_lerf_auc",
            "the same, least relevant first",
            "blur_lerf_auc",
            "the same, least relevant first",
            "LeRF",
            "blur LeRF",
            true,
            Curve.BLUR_LERF),
    BLUR_SRG(
            Reading.SRG,
            "blur_srg",
            "SRG with blurring: `blur_lerf_auc` − `blur_morf_auc`",
            "blur_srg",
            "`blur_lerf_auc` − `blur_morf_auc`",
            "SRG",
            "blur SRG",
            true,
            Curve.BLUR_MORF,
            Curve.BLUR_LERF),
    INSERTION_AUC(
            Reading.PROBABILITY_AREA,
            "insertion_auc",
            "area under the insertion curve, fraction 0 to 1 (higher is better)",
            "insertion_auc",
            "mean area under RISE's insertion curve (most relevant revealed first on a blurred copy)",
            "Ins",
            "Ins",
            true,
            Curve.INSERTION);

    /** How a score is read off its curves. */
    private enum Reading {
        /** Area under the 0/1 accuracy curve (trapezoid); NaN without a label. */
        ACCURACY_AREA,
        /** Area under the explained class's probability (RISE's deletion and insertion). */
        PROBABILITY_AREA,
        /** SRG (Blücher, Vielhaben, Strodthoff, TMLR 2024): the LeRF area minus the MoRF area. */
        SRG,
        /** {@link PerturbationCurve#aopc()}. */
        AOPC,
        /** {@link PerturbationCurve#logOdds()}. */
        LOG_ODDS;

        double read(List<PerturbationCurve> curves) {
            PerturbationCurve c = curves.get(0);
            return switch (this) {
                case ACCURACY_AREA -> c.accuracyArea();
                case PROBABILITY_AREA -> c.probabilityArea();
                case SRG -> curves.get(1).accuracyArea() - c.accuracyArea();
                case AOPC -> c.aopc();
                case LOG_ODDS -> c.logOdds();
            };
        }
    }

    private final Reading reading;
    private final String imageColumn;
    private final String imageDoc;
    private final String metricColumn;
    private final String metricDoc;
    private final String heading;
    private final String label;
    private final boolean higherIsBetter;
    private final List<Curve> curves;

    Score(
            Reading reading,
            String imageColumn,
            String imageDoc,
            String metricColumn,
            String metricDoc,
            String heading,
            String label,
            boolean higherIsBetter,
            Curve... curves) {
        this.reading = reading;
        this.imageColumn = imageColumn;
        this.imageDoc = imageDoc;
        this.metricColumn = metricColumn;
        this.metricDoc = metricDoc;
        this.heading = heading;
        this.label = label;
        this.higherIsBetter = higherIsBetter;
        this.curves = List.of(curves);
    }

    /** The per-image table's column. */
    public String imageColumn() {
        return imageColumn;
    }

    /** What the per-image value means. */
    public String imageDoc() {
        return imageDoc;
    }

    /** The metrics table's column (and the summary's key). */
    public String metricColumn() {
        return metricColumn;
    }

    /** What the dataset value means. */
    public String metricDoc() {
        return metricDoc;
    }

    /** Short name in its protocol's printed section. */
    public String heading() {
        return heading;
    }

    /** Short name where protocols mix (comparisons, the report): the heading with its protocol where needed. */
    public String label() {
        return label;
    }

    public boolean higherIsBetter() {
        return higherIsBetter;
    }

    /** The protocol whose curves it reads. */
    public Protocol protocol() {
        return curves.get(0).protocol();
    }

    /** The curves it reads. */
    public List<Curve> curves() {
        return curves;
    }

    /**
     * The image's score, null when a curve it reads was not drawn (its protocol did not run); NaN when
     * undefined (an accuracy area without a label).
     */
    public Double of(Map<Curve, PerturbationCurve> drawn) {
        List<PerturbationCurve> read = curves.stream().map(drawn::get).toList();
        return read.stream().anyMatch(java.util.Objects::isNull) ? null : reading.read(read);
    }

    /**
     * The score whose presence says an image has a label for {@code curve}'s accuracy: the area under
     * that curve's accuracy, defined exactly when the image is labelled.
     */
    public static Optional<Score> accuracyArea(Curve curve) {
        return Arrays.stream(values())
                .filter(s -> s.reading == Reading.ACCURACY_AREA && s.curves.get(0) == curve)
                .findFirst();
    }
}
