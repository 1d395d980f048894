package dev.tokentm.job.aggregate;

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
 * The per-image faithfulness columns: one row per image, method and explained-class mode, with
 * both perturbation curves and, where the image has a mask, its segmentation counts (null
 * otherwise).
 */
public final class MetricRows {

    private static final String[] CURVE_FIELDS = {
        "correct", "top_probability", "top_logit", "explained_log_probability", "explained_logit", "label_log_odds"};

    private MetricRows() {}

    /** The schema of {@link #of} rows. */
    public static StructType schema() {
        List<StructField> fields = new ArrayList<>();
        fields.add(DataTypes.createStructField("method", DataTypes.StringType, false));
        fields.add(DataTypes.createStructField("target", DataTypes.StringType, false));
        fields.add(DataTypes.createStructField("label", DataTypes.IntegerType, false));
        fields.add(DataTypes.createStructField("explained_class", DataTypes.IntegerType, false));
        fields.add(DataTypes.createStructField("fractions", DataTypes.createArrayType(DataTypes.DoubleType, false), false));
        for (String order : new String[] {"positive", "negative"}) {
            for (String f : CURVE_FIELDS) {
                DataType element = f.equals("correct") ? DataTypes.BooleanType : DataTypes.FloatType;
                fields.add(DataTypes.createStructField(order + "_" + f, DataTypes.createArrayType(element, false), false));
            }
        }
        fields.add(DataTypes.createStructField("aopc", DataTypes.DoubleType, false));
        fields.add(DataTypes.createStructField("log_odds", DataTypes.DoubleType, false));
        fields.add(DataTypes.createStructField("seg_correct", DataTypes.LongType, true));
        fields.add(DataTypes.createStructField("seg_labeled", DataTypes.LongType, true));
        fields.add(DataTypes.createStructField("seg_intersection", DataTypes.createArrayType(DataTypes.LongType, false), true));
        fields.add(DataTypes.createStructField("seg_union", DataTypes.createArrayType(DataTypes.LongType, false), true));
        fields.add(DataTypes.createStructField("seg_ap", DataTypes.DoubleType, true));
        fields.add(DataTypes.createStructField("seg_ap_background", DataTypes.DoubleType, true));
        fields.add(DataTypes.createStructField("seg_ap_foreground", DataTypes.DoubleType, true));
        return DataTypes.createStructType(fields);
    }

    /**
     * One image's row.
     *
     * @param target "predicted" or "label": which class the heatmap explains
     * @param segmentation null when the image has no mask
     */
    public static Row of(String method, String target, PerturbationCurve positive, PerturbationCurve negative,
            SegmentationCounts segmentation) {
        List<Object> v = new ArrayList<>();
        v.add(method);
        v.add(target);
        v.add(positive.label());
        v.add(positive.explainedClass());
        v.add(boxed(positive.fractions()));
        for (PerturbationCurve c : new PerturbationCurve[] {positive, negative}) {
            v.add(boxed(c.correct()));
            v.add(boxed(c.topProbability()));
            v.add(boxed(c.topLogit()));
            v.add(boxed(c.explainedLogProbability()));
            v.add(boxed(c.explainedLogit()));
            v.add(boxed(c.labelLogOdds()));
        }
        v.add(positive.aopc());
        v.add(positive.logOdds());
        boolean masked = segmentation != null;
        v.add(masked ? segmentation.correct() : null);
        v.add(masked ? segmentation.labeled() : null);
        v.add(masked ? new Long[] {segmentation.intersectionBackground(), segmentation.intersectionForeground()} : null);
        v.add(masked ? new Long[] {segmentation.unionBackground(), segmentation.unionForeground()} : null);
        v.add(masked ? segmentation.averagePrecision() : null);
        v.add(masked ? segmentation.averagePrecisionBackground() : null);
        v.add(masked ? segmentation.averagePrecisionForeground() : null);
        return RowFactory.create(v.toArray());
    }

    private static Double[] boxed(double[] a) {
        Double[] b = new Double[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = a[i];
        }
        return b;
    }

    private static Float[] boxed(float[] a) {
        Float[] b = new Float[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = a[i];
        }
        return b;
    }

    private static Boolean[] boxed(boolean[] a) {
        Boolean[] b = new Boolean[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = a[i];
        }
        return b;
    }
}
