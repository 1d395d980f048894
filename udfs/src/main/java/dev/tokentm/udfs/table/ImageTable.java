package dev.tokentm.udfs.table;

import dev.tokentm.udfs.metrics.Curve;
import dev.tokentm.udfs.metrics.ImageResult;
import dev.tokentm.udfs.metrics.PerturbationCurve;
import dev.tokentm.udfs.metrics.Score;
import dev.tokentm.udfs.metrics.SegmentationCounts;
import dev.tokentm.udfs.metrics.StepField;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The per-image output table ({@code <output>/images/}): one row per image, method and explained
 * class, or one row per image with only its identity and {@code error} when it could not be used.
 * {@link #COLUMNS} is the one place the table is defined: schema, rows and the column reference
 * ({@code docs/columns.md}) all come from it. The perturbation columns come from {@link Curve} (per-step values,
 * {@code <curve>_<field>}) and {@link Score} (one value per image).
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
    private static final Map<Curve, Map<StepField, OutputColumn<Entry>>> STEPS = new EnumMap<>(Curve.class);
    private static final Map<Score, OutputColumn<Entry>> SCORES = new EnumMap<>(Score.class);

    public static final OutputColumn<Entry> IMAGE_ID = add(OutputColumn.of(
            ColumnNames.ID,
            DataTypes.StringType,
            "the manifest's id, else the path, else (Parquet bytes) the SHA-1 of the bytes",
            e -> e.source().imageId()));
    public static final OutputColumn<Entry> PATH = identity(
            ColumnNames.PATH,
            DataTypes.StringType,
            "where the image was read; null for bytes without one",
            Source::path);
    public static final OutputColumn<Entry> LABEL =
            identity(ColumnNames.LABEL, DataTypes.IntegerType, "the true class; null when unknown", Source::label);
    public static final OutputColumn<Entry> METHOD = result(
            "method",
            DataTypes.StringType,
            "the method's canonical spec: its name and any parameter not at its default, e.g. `bt-h(steps=10)`",
            ImageResult::method);
    public static final OutputColumn<Entry> TARGET =
            result("target", DataTypes.StringType, "which class is explained: `predicted` or `label`", r -> r.target()
                    .label());
    public static final OutputColumn<Entry> PREDICTED = result(
            "predicted",
            DataTypes.IntegerType,
            "the model's top class; null for a model without a classifier",
            r -> r.predicted() < 0 ? null : r.predicted());
    public static final OutputColumn<Entry> PROBABILITY = result(
            "probability",
            DataTypes.FloatType,
            "its softmax probability",
            r -> Float.isNaN(r.probability()) ? null : r.probability());
    public static final OutputColumn<Entry> EXPLAINED_CLASS = result(
            "explained_class",
            DataTypes.IntegerType,
            "the class the heatmap explains; null for a model without a classifier",
            r -> r.explainedClass() < 0 ? null : r.explainedClass());
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
    public static final OutputColumn<Entry> METHOD_PREDICTION = result(
            "method_prediction",
            DataTypes.IntegerType,
            "methods that run a changed model (EViT's pruned model): its top class, to compare with `predicted`;"
                    + " null where the model runs unchanged",
            ImageResult::methodPrediction);
    public static final OutputColumn<Entry> METHOD_AGREEMENT = result(
            "method_agreement",
            DataTypes.DoubleType,
            "1 when `method_prediction` is the model's top class, 0 when not; null where the model runs unchanged",
            r -> r.methodPrediction() == null ? null : r.methodPrediction() == r.predicted() ? 1.0 : 0.0);
    public static final OutputColumn<Entry> FRACTIONS = result(
            "fractions",
            DataTypes.createArrayType(DataTypes.DoubleType, false),
            "perturbation steps: the share of pixels removed, from 0 (unperturbed); deletion and insertion add 1",
            r -> r.fractions() == null ? null : SparkArrays.boxed(r.fractions()));

    static {
        for (Curve c : Curve.values()) {
            Map<StepField, OutputColumn<Entry>> fields = new EnumMap<>(StepField.class);
            for (StepField f : c.fields()) {
                fields.put(f, stepColumn(c, f));
            }
            STEPS.put(c, fields);
        }
        for (Score s : Score.values()) {
            SCORES.put(s, scoreColumn(s));
        }
    }

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

    /** A curve's per-step column, {@code <curve>_<field>}. */
    public static OutputColumn<Entry> step(Curve curve, StepField field) {
        OutputColumn<Entry> column = STEPS.get(curve).get(field);
        if (column == null) {
            throw new IllegalArgumentException("the images table keeps no " + field + " of " + curve);
        }
        return column;
    }

    /** A score's per-image column. */
    public static OutputColumn<Entry> score(Score score) {
        return SCORES.get(score);
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

    /** A curve's value at every step; null when its protocol did not run. */
    private static OutputColumn<Entry> stepColumn(Curve curve, StepField field) {
        DataType element = field.flag() ? DataTypes.BooleanType : DataTypes.FloatType;
        return result(
                curve.prefix() + "_" + field.fieldName(),
                DataTypes.createArrayType(element, false),
                curve.doc() + ", per step: " + field.doc(),
                r -> {
                    PerturbationCurve c = r.curve(curve);
                    return c == null ? null : SparkArrays.boxedArray(field.of(c));
                });
    }

    /** A score; null when its protocol did not run or the score is undefined (NaN). */
    private static OutputColumn<Entry> scoreColumn(Score score) {
        return result(score.imageColumn(), DataTypes.DoubleType, score.imageDoc(), r -> {
            Double v = r.score(score);
            return v == null || Double.isNaN(v) ? null : v;
        });
    }

    /** A segmentation test value; null without a mask. */
    private static OutputColumn<Entry> masked(
            String name, DataType type, String doc, Function<SegmentationCounts, Object> value) {
        return result(name, type, doc, r -> r.segmentation() == null ? null : value.apply(r.segmentation()));
    }
}
