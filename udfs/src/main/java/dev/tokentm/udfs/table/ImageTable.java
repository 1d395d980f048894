package dev.tokentm.udfs.table;

import dev.tokentm.udfs.metrics.ImageResult;
import dev.tokentm.udfs.metrics.PerturbationCurve;
import dev.tokentm.udfs.metrics.SegmentationCounts;
import dev.tokentm.udfs.spark.InputColumns;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
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
    public static final OutputColumn<Entry> METHOD = result(
            "method",
            DataTypes.StringType,
            "the method's canonical spec: its name and any parameter not at its default, e.g. `bt-h(steps=10)`",
            ImageResult::method);
    public static final OutputColumn<Entry> TARGET =
            result("target", DataTypes.StringType, "which class is explained: `predicted` or `label`", r -> r.target()
                    .label());
    public static final OutputColumn<Entry> PREDICTED =
            result("predicted", DataTypes.IntegerType, "the model's top class", ImageResult::predicted);
    public static final OutputColumn<Entry> PROBABILITY =
            result("probability", DataTypes.FloatType, "its softmax probability", ImageResult::probability);
    public static final OutputColumn<Entry> EXPLAINED_CLASS = result(
            "explained_class", DataTypes.IntegerType, "the class the heatmap explains", ImageResult::explainedClass);
    public static final OutputColumn<Entry> HEATMAP = result(
            "heatmap",
            DataTypes.createArrayType(DataTypes.FloatType, false),
            "the heatmap, row-major: over the patch grid, or over the pixels for pixel-resolution methods",
            r -> SparkArrays.boxed(r.heatmap()));
    public static final OutputColumn<Entry> HEATMAP_HEIGHT = result(
            "heatmap_height",
            DataTypes.IntegerType,
            "the heatmap's rows (patch rows, or the input's pixel rows)",
            ImageResult::height);
    public static final OutputColumn<Entry> HEATMAP_WIDTH =
            result("heatmap_width", DataTypes.IntegerType, "the heatmap's columns", ImageResult::width);
    public static final OutputColumn<Entry> HEATMAP_STANDARD_ERROR = result(
            "heatmap_standard_error",
            DataTypes.DoubleType,
            "sampled methods (sampled Shapley): the largest standard error of a heatmap value; null where exact",
            ImageResult::heatmapError);
    public static final OutputColumn<Entry> FRACTIONS = result(
            "fractions",
            DataTypes.createArrayType(DataTypes.DoubleType, false),
            "perturbation steps: the share of pixels removed, from 0 (unperturbed); deletion and insertion add 1",
            r -> r.fractions() == null ? null : SparkArrays.boxed(r.fractions()));
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
    public static final OutputColumn<Entry> DELETION_EXPLAINED_PROBABILITY = steps(
            "deletion_explained_probability",
            DataTypes.FloatType,
            "RISE's deletion: the explained class's probability as the most relevant pixels are set to 0, at 0, the"
                    + " steps and 1 (all removed)",
            ImageResult::deletion,
            c -> SparkArrays.boxed(c.explainedProbability()));
    public static final OutputColumn<Entry> ROAD_MORF_CORRECT = steps(
            "road_morf_correct",
            DataTypes.BooleanType,
            "ROAD (noisy linear imputation), most relevant pixels removed first, per step: the top class is the label",
            ImageResult::roadMorf,
            c -> SparkArrays.boxed(c.correct()));
    public static final OutputColumn<Entry> ROAD_MORF_EXPLAINED_PROBABILITY = steps(
            "road_morf_explained_probability",
            DataTypes.FloatType,
            "ROAD, most relevant removed first, per step: the explained class's probability",
            ImageResult::roadMorf,
            c -> SparkArrays.boxed(c.explainedProbability()));
    public static final OutputColumn<Entry> ROAD_LERF_CORRECT = steps(
            "road_lerf_correct",
            DataTypes.BooleanType,
            "ROAD, least relevant removed first, per step: the top class is the label",
            ImageResult::roadLerf,
            c -> SparkArrays.boxed(c.correct()));
    public static final OutputColumn<Entry> ROAD_LERF_EXPLAINED_PROBABILITY = steps(
            "road_lerf_explained_probability",
            DataTypes.FloatType,
            "ROAD, least relevant removed first, per step: the explained class's probability",
            ImageResult::roadLerf,
            c -> SparkArrays.boxed(c.explainedProbability()));
    public static final OutputColumn<Entry> BLUR_MORF_CORRECT = steps(
            "blur_morf_correct",
            DataTypes.BooleanType,
            "pixels replaced by a blurred copy, most relevant first, per step: the top class is the label",
            ImageResult::blurMorf,
            c -> SparkArrays.boxed(c.correct()));
    public static final OutputColumn<Entry> BLUR_MORF_EXPLAINED_PROBABILITY = steps(
            "blur_morf_explained_probability",
            DataTypes.FloatType,
            "blurred, most relevant first, per step: the explained class's probability",
            ImageResult::blurMorf,
            c -> SparkArrays.boxed(c.explainedProbability()));
    public static final OutputColumn<Entry> BLUR_LERF_CORRECT = steps(
            "blur_lerf_correct",
            DataTypes.BooleanType,
            "blurred, least relevant first, per step: the top class is the label",
            ImageResult::blurLerf,
            c -> SparkArrays.boxed(c.correct()));
    public static final OutputColumn<Entry> BLUR_LERF_EXPLAINED_PROBABILITY = steps(
            "blur_lerf_explained_probability",
            DataTypes.FloatType,
            "blurred, least relevant first, per step: the explained class's probability",
            ImageResult::blurLerf,
            c -> SparkArrays.boxed(c.explainedProbability()));
    public static final OutputColumn<Entry> INSERTION_EXPLAINED_PROBABILITY = steps(
            "insertion_explained_probability",
            DataTypes.FloatType,
            "RISE's insertion: the explained class's probability as the most relevant pixels are revealed on a"
                    + " blurred copy, at 0 (all blurred), the steps and 1 (the image)",
            ImageResult::insertion,
            c -> SparkArrays.boxed(c.explainedProbability()));
    public static final OutputColumn<Entry> POSITIVE_AUC = score(
            "positive_auc",
            "area under this image's 0/1 accuracy curve, most relevant set to 0 first; null without a label",
            ImageResult::positive,
            PerturbationCurve::accuracyArea);
    public static final OutputColumn<Entry> NEGATIVE_AUC = score(
            "negative_auc",
            "the same, least relevant set to 0 first",
            ImageResult::negative,
            PerturbationCurve::accuracyArea);
    public static final OutputColumn<Entry> SRG = srg(
            "srg",
            "SRG with zeroing: `negative_auc` − `positive_auc` (higher is better)",
            ImageResult::positive,
            ImageResult::negative);
    public static final OutputColumn<Entry> DELETION_AUC = score(
            "deletion_auc",
            "area under the deletion curve, fraction 0 to 1 (lower is better)",
            ImageResult::deletion,
            PerturbationCurve::probabilityArea);
    public static final OutputColumn<Entry> INSERTION_AUC = score(
            "insertion_auc",
            "area under the insertion curve, fraction 0 to 1 (higher is better)",
            ImageResult::insertion,
            PerturbationCurve::probabilityArea);
    public static final OutputColumn<Entry> ROAD_MORF_AUC = score(
            "road_morf_auc",
            "area under this image's 0/1 accuracy curve, ROAD, most relevant removed first; null without a label",
            ImageResult::roadMorf,
            PerturbationCurve::accuracyArea);
    public static final OutputColumn<Entry> ROAD_LERF_AUC = score(
            "road_lerf_auc",
            "the same, least relevant removed first",
            ImageResult::roadLerf,
            PerturbationCurve::accuracyArea);
    public static final OutputColumn<Entry> ROAD_SRG = srg(
            "road_srg",
            "SRG with ROAD: `road_lerf_auc` − `road_morf_auc`",
            ImageResult::roadMorf,
            ImageResult::roadLerf);
    public static final OutputColumn<Entry> BLUR_MORF_AUC = score(
            "blur_morf_auc",
            "area under this image's 0/1 accuracy curve, blurred, most relevant first; null without a label",
            ImageResult::blurMorf,
            PerturbationCurve::accuracyArea);
    public static final OutputColumn<Entry> BLUR_LERF_AUC = score(
            "blur_lerf_auc", "the same, least relevant first", ImageResult::blurLerf, PerturbationCurve::accuracyArea);
    public static final OutputColumn<Entry> BLUR_SRG = srg(
            "blur_srg",
            "SRG with blurring: `blur_lerf_auc` − `blur_morf_auc`",
            ImageResult::blurMorf,
            ImageResult::blurLerf);
    public static final OutputColumn<Entry> AOPC = score(
            "aopc",
            "AOPC of the explained class, most relevant set to 0 first",
            ImageResult::positive,
            PerturbationCurve::aopc);
    public static final OutputColumn<Entry> LOG_ODDS = score(
            "log_odds",
            "LOdds of the explained class, most relevant set to 0 first",
            ImageResult::positive,
            PerturbationCurve::logOdds);
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
        return OutputColumn.row(COLUMNS, new Entry(source, result, device, null), SCHEMA);
    }

    /** A failed image: identity and the reason, every measurement null. */
    public static Row error(Source source, String error) {
        return OutputColumn.row(COLUMNS, new Entry(source, null, null, error), SCHEMA);
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

    /** One zero-removal curve's per-step values (the published perturbation test's columns). */
    private static OutputColumn<Entry> curve(
            String order, String field, String doc, Function<PerturbationCurve, Object> value) {
        boolean positive = order.equals("positive");
        DataType element = field.equals("correct") ? DataTypes.BooleanType : DataTypes.FloatType;
        String removed = positive ? "most relevant pixels removed first" : "least relevant pixels removed first";
        return steps(
                order + "_" + field,
                element,
                removed + ", per step: " + doc,
                positive ? ImageResult::positive : ImageResult::negative,
                value);
    }

    /** Per-step values of one curve; null when its protocol did not run. */
    private static OutputColumn<Entry> steps(
            String name,
            DataType element,
            String doc,
            Function<ImageResult, PerturbationCurve> curve,
            Function<PerturbationCurve, Object> value) {
        return result(name, DataTypes.createArrayType(element, false), doc, r -> {
            PerturbationCurve c = curve.apply(r);
            return c == null ? null : value.apply(c);
        });
    }

    /** A score of one curve; null when its protocol did not run or the score is undefined (NaN). */
    private static OutputColumn<Entry> score(
            String name,
            String doc,
            Function<ImageResult, PerturbationCurve> curve,
            ToDoubleFunction<PerturbationCurve> value) {
        return result(name, DataTypes.DoubleType, doc, r -> {
            PerturbationCurve c = curve.apply(r);
            return c == null ? null : finite(value.applyAsDouble(c));
        });
    }

    /** LeRF area minus MoRF area of the 0/1 accuracy curves (SRG); null without a label or the protocol. */
    private static OutputColumn<Entry> srg(
            String name,
            String doc,
            Function<ImageResult, PerturbationCurve> morf,
            Function<ImageResult, PerturbationCurve> lerf) {
        return result(name, DataTypes.DoubleType, doc, r -> {
            PerturbationCurve m = morf.apply(r);
            PerturbationCurve l = lerf.apply(r);
            return m == null || l == null ? null : finite(l.accuracyArea() - m.accuracyArea());
        });
    }

    private static Double finite(double v) {
        return Double.isNaN(v) ? null : v;
    }

    /** A segmentation test value; null without a mask. */
    private static OutputColumn<Entry> masked(
            String name, DataType type, String doc, Function<SegmentationCounts, Object> value) {
        return result(name, type, doc, r -> r.segmentation() == null ? null : value.apply(r.segmentation()));
    }
}
