package dev.tokentm.udfs.table;

import dev.tokentm.udfs.metrics.DatasetMetrics;
import dev.tokentm.udfs.metrics.ImageResult;
import dev.tokentm.udfs.metrics.PerturbationCurve;
import dev.tokentm.udfs.metrics.SegmentationCounts;
import dev.tokentm.udfs.spark.InputColumns;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The per-image output table ({@code <output>/images/}): one row per image, method and explained
 * class, or one row per image with only its identity and {@code error} when it could not be used.
 * {@link #COLUMNS} is the one place the table is defined: schema, rows and the README's schema
 * section all come from it.
 */
public final class ImageTable {

    /** Where a row comes from: the input's identity columns. */
    public record Source(String imageId, String path, Integer label) {}

    /**
     * What one row is built from: the image's identity and either one method's result or the
     * reason the image failed.
     */
    public record Entry(Source source, ImageResult result, String device, String error) {}

    private static final List<OutputColumn<Entry>> ALL = new ArrayList<>();

    public static final OutputColumn<Entry> IMAGE_ID = add(new OutputColumn<>(
            InputColumns.ID,
            DataTypes.StringType,
            false,
            "the manifest's id, else the path, else (Parquet bytes) the SHA-1 of the bytes",
            e -> e.source().imageId()));
    public static final OutputColumn<Entry> PATH = identity(
            InputColumns.PATH,
            DataTypes.StringType,
            "where the image was read; null for bytes without one",
            Source::path);
    public static final OutputColumn<Entry> LABEL =
            identity(InputColumns.LABEL, DataTypes.IntegerType, "the true class; null when unknown", Source::label);
    public static final OutputColumn<Entry> METHOD =
            result("method", DataTypes.StringType, "the explainer", ImageResult::method);
    public static final OutputColumn<Entry> TARGET =
            result("target", DataTypes.StringType, "which class is explained: `predicted` or `label`", r -> r.target()
                    .label());
    public static final OutputColumn<Entry> PREDICTED =
            result("predicted", DataTypes.IntegerType, "the model's top class", ImageResult::predicted);
    public static final OutputColumn<Entry> PROBABILITY =
            result("probability", DataTypes.FloatType, "its softmax probability", ImageResult::probability);
    public static final OutputColumn<Entry> EXPLAINED_CLASS =
            result("explained_class", DataTypes.IntegerType, "the class the heatmap explains", r -> r.positive()
                    .explainedClass());
    public static final OutputColumn<Entry> HEATMAP = result(
            "heatmap",
            DataTypes.createArrayType(DataTypes.FloatType, false),
            "the heatmap over the patch grid, row-major",
            r -> SparkArrays.boxed(r.heatmap()));
    public static final OutputColumn<Entry> HEATMAP_HEIGHT =
            result("heatmap_height", DataTypes.IntegerType, "patch rows", ImageResult::grid);
    public static final OutputColumn<Entry> HEATMAP_WIDTH =
            result("heatmap_width", DataTypes.IntegerType, "patch columns", ImageResult::grid);
    public static final OutputColumn<Entry> FRACTIONS = result(
            "fractions",
            DataTypes.createArrayType(DataTypes.DoubleType, false),
            "perturbation steps: the share of pixels removed, from 0 (unperturbed)",
            r -> SparkArrays.boxed(r.positive().fractions()));
    public static final OutputColumn<Entry> POSITIVE_CORRECT =
            curve("positive", "correct", "the top class is the label", c -> SparkArrays.boxed(c.correct()));
    public static final OutputColumn<Entry> POSITIVE_TOP_PROBABILITY = curve(
            "positive", "top_probability", "the top class's probability", c -> SparkArrays.boxed(c.topProbability()));
    public static final OutputColumn<Entry> POSITIVE_TOP_LOGIT =
            curve("positive", "top_logit", "the top class's logit", c -> SparkArrays.boxed(c.topLogit()));
    public static final OutputColumn<Entry> POSITIVE_EXPLAINED_LOG_PROBABILITY = curve(
            "positive",
            "explained_log_probability",
            "the explained class's log-probability",
            c -> SparkArrays.boxed(c.explainedLogProbability()));
    public static final OutputColumn<Entry> POSITIVE_EXPLAINED_LOGIT = curve(
            "positive", "explained_logit", "the explained class's logit", c -> SparkArrays.boxed(c.explainedLogit()));
    public static final OutputColumn<Entry> POSITIVE_LABEL_LOG_ODDS = curve(
            "positive",
            "label_log_odds",
            "log(p_label / p_second), NaN without a label",
            c -> SparkArrays.boxed(c.labelLogOdds()));
    public static final OutputColumn<Entry> NEGATIVE_CORRECT =
            curve("negative", "correct", "the top class is the label", c -> SparkArrays.boxed(c.correct()));
    public static final OutputColumn<Entry> NEGATIVE_TOP_PROBABILITY = curve(
            "negative", "top_probability", "the top class's probability", c -> SparkArrays.boxed(c.topProbability()));
    public static final OutputColumn<Entry> NEGATIVE_TOP_LOGIT =
            curve("negative", "top_logit", "the top class's logit", c -> SparkArrays.boxed(c.topLogit()));
    public static final OutputColumn<Entry> NEGATIVE_EXPLAINED_LOG_PROBABILITY = curve(
            "negative",
            "explained_log_probability",
            "the explained class's log-probability",
            c -> SparkArrays.boxed(c.explainedLogProbability()));
    public static final OutputColumn<Entry> NEGATIVE_EXPLAINED_LOGIT = curve(
            "negative", "explained_logit", "the explained class's logit", c -> SparkArrays.boxed(c.explainedLogit()));
    public static final OutputColumn<Entry> NEGATIVE_LABEL_LOG_ODDS = curve(
            "negative",
            "label_log_odds",
            "log(p_label / p_second), NaN without a label",
            c -> SparkArrays.boxed(c.labelLogOdds()));
    public static final OutputColumn<Entry> POSITIVE_AUC = add(OutputColumn.of(
            "positive_auc",
            DataTypes.DoubleType,
            "area under this image's 0/1 accuracy curve, most relevant removed first; null without a label",
            e -> e.result() == null || e.source().label() == null
                    ? null
                    : accuracyArea(e.result().positive())));
    public static final OutputColumn<Entry> NEGATIVE_AUC = add(OutputColumn.of(
            "negative_auc",
            DataTypes.DoubleType,
            "the same, least relevant removed first",
            e -> e.result() == null || e.source().label() == null
                    ? null
                    : accuracyArea(e.result().negative())));
    public static final OutputColumn<Entry> AOPC = result(
            "aopc", DataTypes.DoubleType, "AOPC of the explained class, most relevant removed first", r -> r.positive()
                    .aopc());
    public static final OutputColumn<Entry> LOG_ODDS = result(
            "log_odds",
            DataTypes.DoubleType,
            "LOdds of the explained class, most relevant removed first",
            r -> r.positive().logOdds());
    public static final OutputColumn<Entry> SEG_CORRECT = masked(
            "seg_correct",
            DataTypes.LongType,
            "segmentation test: pixels on the right side of the mask (null without a mask)",
            SegmentationCounts::correct);
    public static final OutputColumn<Entry> SEG_LABELED =
            masked("seg_labeled", DataTypes.LongType, "pixels of the mask", SegmentationCounts::labeled);
    public static final OutputColumn<Entry> SEG_INTERSECTION = masked(
            "seg_intersection",
            DataTypes.createArrayType(DataTypes.LongType, false),
            "intersection of predicted and true [background, foreground] pixels",
            s -> new Long[] {s.intersectionBackground(), s.intersectionForeground()});
    public static final OutputColumn<Entry> SEG_UNION = masked(
            "seg_union",
            DataTypes.createArrayType(DataTypes.LongType, false),
            "union of predicted and true [background, foreground] pixels",
            s -> new Long[] {s.unionBackground(), s.unionForeground()});
    public static final OutputColumn<Entry> SEG_AP = masked(
            "seg_ap",
            DataTypes.DoubleType,
            "average precision of the soft map, both classes pooled",
            SegmentationCounts::averagePrecision);
    public static final OutputColumn<Entry> SEG_AP_BACKGROUND = masked(
            "seg_ap_background",
            DataTypes.DoubleType,
            "average precision of the background",
            SegmentationCounts::averagePrecisionBackground);
    public static final OutputColumn<Entry> SEG_AP_FOREGROUND = masked(
            "seg_ap_foreground",
            DataTypes.DoubleType,
            "average precision of the foreground",
            SegmentationCounts::averagePrecisionForeground);
    public static final OutputColumn<Entry> RELEVANCE_OUTSIDE_MASK = masked(
            "relevance_outside_mask",
            DataTypes.DoubleType,
            "share of the heatmap's positive relevance outside the object: high = it rests on the background",
            SegmentationCounts::relevanceOutside);
    public static final OutputColumn<Entry> SECONDS = result(
            "seconds",
            DataTypes.DoubleType,
            "this method's time per image (heatmap, perturbation and segmentation tests)",
            ImageResult::seconds);
    public static final OutputColumn<Entry> DEVICE =
            add(OutputColumn.of("device", DataTypes.StringType, "where it ran", Entry::device));
    public static final OutputColumn<Entry> ERROR = add(
            OutputColumn.of("error", DataTypes.StringType, "why the image failed; null when it did not", Entry::error));

    /** Every column, in table order. */
    public static final List<OutputColumn<Entry>> COLUMNS = List.copyOf(ALL);

    private static final StructType SCHEMA = OutputColumn.schema(COLUMNS);

    private ImageTable() {}

    public static StructType schema() {
        return SCHEMA;
    }

    /** One image explained by one method. */
    public static Row result(Source source, ImageResult result, String device) {
        return OutputColumn.row(COLUMNS, new Entry(source, result, device, null));
    }

    /** A failed image: identity and the reason, every measurement null. */
    public static Row error(Source source, String error) {
        return OutputColumn.row(COLUMNS, new Entry(source, null, null, error));
    }

    private static OutputColumn<Entry> add(OutputColumn<Entry> column) {
        ALL.add(column);
        return column;
    }

    private static OutputColumn<Entry> identity(
            String name, DataType type, String doc, Function<Source, Object> value) {
        return add(OutputColumn.of(name, type, doc, e -> value.apply(e.source())));
    }

    /** A column of a result row; null in error rows. */
    private static OutputColumn<Entry> result(
            String name, DataType type, String doc, Function<ImageResult, Object> value) {
        return add(OutputColumn.of(name, type, doc, e -> e.result() == null ? null : value.apply(e.result())));
    }

    /** One perturbation curve's per-step values. */
    private static OutputColumn<Entry> curve(
            String order, String field, String doc, Function<PerturbationCurve, Object> value) {
        boolean positive = order.equals("positive");
        DataType element = field.equals("correct") ? DataTypes.BooleanType : DataTypes.FloatType;
        String removed = positive ? "most relevant pixels removed first" : "least relevant pixels removed first";
        return result(
                order + "_" + field,
                DataTypes.createArrayType(element, false),
                removed + ", per step: " + doc,
                r -> value.apply(positive ? r.positive() : r.negative()));
    }

    /** A segmentation test value; null without a mask. */
    private static OutputColumn<Entry> masked(
            String name, DataType type, String doc, Function<SegmentationCounts, Object> value) {
        return result(name, type, doc, r -> r.segmentation() == null ? null : value.apply(r.segmentation()));
    }

    /** This image's area under its 0/1 accuracy curve (trapezoid over the fractions). */
    private static double accuracyArea(PerturbationCurve c) {
        boolean[] correct = c.correct();
        double[] y = new double[correct.length];
        for (int k = 0; k < y.length; k++) {
            y[k] = correct[k] ? 1 : 0;
        }
        return DatasetMetrics.trapezoid(c.fractions(), y);
    }
}
