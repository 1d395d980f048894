package dev.tokentm.udfs.spark;

import dev.tokentm.udfs.metrics.DatasetMetrics;
import dev.tokentm.udfs.metrics.ImageResult;
import dev.tokentm.udfs.metrics.PerturbationCurve;
import dev.tokentm.udfs.metrics.SegmentationCounts;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The output table: one row per image and method (and explained-class mode), or one row per
 * image with only {@code error} set when the image could not be used. Column meanings are listed
 * in the README's "Output" section.
 */
public final class ExplanationRows {

    private static final String[] CURVE_FIELDS = {
        "correct", "top_probability", "top_logit", "explained_log_probability", "explained_logit", "label_log_odds"
    };

    private ExplanationRows() {}

    /** Where a row comes from: the input's identity columns. */
    public record Source(String imageId, String path, Integer label) {}

    private static final StructType SCHEMA = build();

    /** The schema of {@link #result} and {@link #error} rows. */
    public static StructType schema() {
        return SCHEMA;
    }

    private static StructType build() {
        List<StructField> f = new ArrayList<>();
        f.add(field("image_id", DataTypes.StringType, false));
        f.add(field("path", DataTypes.StringType, true));
        f.add(field("label", DataTypes.IntegerType, true));
        f.add(field("method", DataTypes.StringType, true));
        f.add(field("target", DataTypes.StringType, true));
        f.add(field("predicted", DataTypes.IntegerType, true));
        f.add(field("probability", DataTypes.FloatType, true));
        f.add(field("explained_class", DataTypes.IntegerType, true));
        f.add(field("heatmap", DataTypes.createArrayType(DataTypes.FloatType, false), true));
        f.add(field("heatmap_height", DataTypes.IntegerType, true));
        f.add(field("heatmap_width", DataTypes.IntegerType, true));
        f.add(field("fractions", DataTypes.createArrayType(DataTypes.DoubleType, false), true));
        for (String order : new String[] {"positive", "negative"}) {
            for (String c : CURVE_FIELDS) {
                DataType element = c.equals("correct") ? DataTypes.BooleanType : DataTypes.FloatType;
                f.add(field(order + "_" + c, DataTypes.createArrayType(element, false), true));
            }
        }
        f.add(field("positive_auc", DataTypes.DoubleType, true));
        f.add(field("negative_auc", DataTypes.DoubleType, true));
        f.add(field("aopc", DataTypes.DoubleType, true));
        f.add(field("log_odds", DataTypes.DoubleType, true));
        f.add(field("seg_correct", DataTypes.LongType, true));
        f.add(field("seg_labeled", DataTypes.LongType, true));
        f.add(field("seg_intersection", DataTypes.createArrayType(DataTypes.LongType, false), true));
        f.add(field("seg_union", DataTypes.createArrayType(DataTypes.LongType, false), true));
        f.add(field("seg_ap", DataTypes.DoubleType, true));
        f.add(field("seg_ap_background", DataTypes.DoubleType, true));
        f.add(field("seg_ap_foreground", DataTypes.DoubleType, true));
        f.add(field("relevance_outside_mask", DataTypes.DoubleType, true));
        f.add(field("seconds", DataTypes.DoubleType, true));
        f.add(field("device", DataTypes.StringType, true));
        f.add(field("error", DataTypes.StringType, true));
        return DataTypes.createStructType(f);
    }

    /** A failed image: identity and the reason, every measurement null. */
    public static Row error(Source source, String error) {
        Object[] v = new Object[SCHEMA.size()];
        v[0] = source.imageId();
        v[1] = source.path();
        v[2] = source.label();
        v[v.length - 1] = error;
        return RowFactory.create(v);
    }

    /** One image explained by one method. */
    public static Row result(Source source, ImageResult r, String device) {
        List<Object> v = new ArrayList<>();
        v.add(source.imageId());
        v.add(source.path());
        v.add(source.label());
        v.add(r.method());
        v.add(r.target().label());
        v.add(r.predicted());
        v.add(r.probability());
        v.add(r.positive().explainedClass());
        v.add(SparkArrays.boxed(r.heatmap()));
        v.add(r.grid());
        v.add(r.grid());
        v.add(SparkArrays.boxed(r.positive().fractions()));
        for (PerturbationCurve c : new PerturbationCurve[] {r.positive(), r.negative()}) {
            v.add(SparkArrays.boxed(c.correct()));
            v.add(SparkArrays.boxed(c.topProbability()));
            v.add(SparkArrays.boxed(c.topLogit()));
            v.add(SparkArrays.boxed(c.explainedLogProbability()));
            v.add(SparkArrays.boxed(c.explainedLogit()));
            v.add(SparkArrays.boxed(c.labelLogOdds()));
        }
        v.add(source.label() == null ? null : accuracyArea(r.positive()));
        v.add(source.label() == null ? null : accuracyArea(r.negative()));
        v.add(r.positive().aopc());
        v.add(r.positive().logOdds());
        SegmentationCounts s = r.segmentation();
        boolean masked = s != null;
        v.add(masked ? s.correct() : null);
        v.add(masked ? s.labeled() : null);
        v.add(masked ? new Long[] {s.intersectionBackground(), s.intersectionForeground()} : null);
        v.add(masked ? new Long[] {s.unionBackground(), s.unionForeground()} : null);
        v.add(masked ? s.averagePrecision() : null);
        v.add(masked ? s.averagePrecisionBackground() : null);
        v.add(masked ? s.averagePrecisionForeground() : null);
        v.add(masked ? s.relevanceOutside() : null);
        v.add(r.seconds());
        v.add(device);
        v.add(null);
        return RowFactory.create(v.toArray());
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

    private static StructField field(String name, DataType type, boolean nullable) {
        return DataTypes.createStructField(name, type, nullable);
    }
}
