package dev.tokentm.job.output;

import dev.tokentm.job.aggregate.MetricsAggregator.MethodMetrics;
import dev.tokentm.udfs.metrics.DatasetMetrics;
import dev.tokentm.udfs.spark.SparkArrays;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The dataset metrics per method as a Parquet table and as the table printed at the end of a run. */
public final class MetricsTable {

    private MetricsTable() {}

    public static StructType schema() {
        List<StructField> f = new ArrayList<>();
        f.add(DataTypes.createStructField("method", DataTypes.StringType, false));
        f.add(DataTypes.createStructField("target", DataTypes.StringType, false));
        f.add(DataTypes.createStructField("images", DataTypes.LongType, false));
        for (String name : new String[] {"auc_positive", "auc_negative", "aopc", "log_odds"}) {
            f.add(DataTypes.createStructField(name, DataTypes.DoubleType, false));
        }
        f.add(DataTypes.createStructField("segmented_images", DataTypes.LongType, false));
        for (String name : new String[] {"pixel_accuracy", "iou_background", "iou_foreground", "miou", "map"}) {
            f.add(DataTypes.createStructField(name, DataTypes.DoubleType, false));
        }
        for (String name : new String[] {"fractions", "accuracy_positive", "accuracy_negative"}) {
            f.add(DataTypes.createStructField(name, DataTypes.createArrayType(DataTypes.DoubleType, false), false));
        }
        return DataTypes.createStructType(f);
    }

    public static List<Row> rows(List<MethodMetrics> metrics) {
        List<Row> rows = new ArrayList<>();
        for (MethodMetrics m : metrics) {
            DatasetMetrics d = m.metrics();
            rows.add(RowFactory.create(
                    m.method(),
                    m.target(),
                    d.images(),
                    d.aucPositive(),
                    d.aucNegative(),
                    d.aopc(),
                    d.logOdds(),
                    d.segmentedImages(),
                    d.pixelAccuracy(),
                    d.iouBackground(),
                    d.iouForeground(),
                    d.meanIou(),
                    d.meanAveragePrecision(),
                    SparkArrays.boxed(d.fractions()),
                    SparkArrays.boxed(d.accuracyPositive()),
                    SparkArrays.boxed(d.accuracyNegative())));
        }
        return rows;
    }

    /** Fixed-width text, one line per method and target; arrows say which direction is better. */
    public static String format(List<MethodMetrics> metrics) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(
                Locale.ROOT,
                "%-24s %-9s %7s %8s %8s %8s %8s %8s %8s %8s%n",
                "method",
                "target",
                "images",
                "AUC+ v",
                "AUC- ^",
                "AOPC ^",
                "LOdds v",
                "pixAcc ^",
                "mIoU ^",
                "mAP ^"));
        for (MethodMetrics m : metrics) {
            DatasetMetrics d = m.metrics();
            s.append(String.format(
                    Locale.ROOT,
                    "%-24s %-9s %7d %8.4f %8.4f %8.4f %8.4f %8s %8s %8s%n",
                    m.method(),
                    m.target(),
                    d.images(),
                    d.aucPositive(),
                    d.aucNegative(),
                    d.aopc(),
                    d.logOdds(),
                    fixed(d.pixelAccuracy()),
                    fixed(d.meanIou()),
                    fixed(d.meanAveragePrecision())));
        }
        return s.toString();
    }

    private static String fixed(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }
}
