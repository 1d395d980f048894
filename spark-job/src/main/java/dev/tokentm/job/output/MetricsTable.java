package dev.tokentm.job.output;

import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import dev.tokentm.job.aggregate.MetricsAggregator.MethodMetrics;
import dev.tokentm.udfs.metrics.DatasetMetrics;
import dev.tokentm.udfs.table.OutputColumn;
import dev.tokentm.udfs.table.SparkArrays;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The dataset metrics table ({@code <output>/metrics/}): one row per method and explained class.
 * {@link #COLUMNS} is the one place it is defined: the Parquet schema and rows, the table printed at
 * the end of a run, the summary's metrics, the report's table and the README's schema section all
 * come from it.
 */
public final class MetricsTable {

    /** Which way a metric improves; the printed table and the report show it as an arrow. */
    public enum Better {
        HIGHER("^", "&uarr;"),
        LOWER("v", "&darr;");

        private final String text;
        private final String html;

        Better(String text, String html) {
            this.text = text;
            this.html = html;
        }

        public String text() {
            return text;
        }

        public String html() {
            return html;
        }
    }

    /**
     * A column of the metrics table; those with a heading are dataset metrics shown in the printed
     * table and the report.
     *
     * @param heading short name in printed tables, null for columns not shown
     * @param better which way the metric improves, null for columns not shown
     */
    public record MetricColumn(OutputColumn<MethodMetrics> column, String heading, Better better) {

        public boolean shown() {
            return heading != null;
        }

        public String name() {
            return column.name();
        }
    }

    private static final List<MetricColumn> ALL = new ArrayList<>();

    public static final MetricColumn METHOD =
            key("method", "the explainer (as in the images table)", MethodMetrics::method);
    public static final MetricColumn TARGET =
            key("target", "the explained class: `predicted` or `label`", MethodMetrics::target);
    public static final MetricColumn IMAGES = count("images", "images measured (error rows left out)", d -> d.images());
    public static final MetricColumn AUC_POSITIVE = metric(
            "auc_positive",
            "AUC+",
            Better.LOWER,
            "area under the accuracy curve over the fraction removed, most relevant pixels removed first",
            DatasetMetrics::aucPositive);
    public static final MetricColumn AUC_NEGATIVE = metric(
            "auc_negative",
            "AUC-",
            Better.HIGHER,
            "the same, least relevant pixels removed first",
            DatasetMetrics::aucNegative);
    public static final MetricColumn AOPC =
            metric("aopc", "AOPC", Better.HIGHER, "mean per-image AOPC", DatasetMetrics::aopc);
    public static final MetricColumn LOG_ODDS =
            metric("log_odds", "LOdds", Better.LOWER, "mean per-image LOdds", DatasetMetrics::logOdds);
    public static final MetricColumn SEGMENTED_IMAGES =
            count("segmented_images", "images with an object mask", DatasetMetrics::segmentedImages);
    public static final MetricColumn PIXEL_ACCURACY = metric(
            "pixel_accuracy",
            "pixAcc",
            Better.HIGHER,
            "segmentation test: correct pixels over mask pixels, summed over images",
            DatasetMetrics::pixelAccuracy);
    public static final MetricColumn IOU_BACKGROUND =
            value("iou_background", "background intersection over union, summed counts", DatasetMetrics::iouBackground);
    public static final MetricColumn IOU_FOREGROUND =
            value("iou_foreground", "foreground intersection over union, summed counts", DatasetMetrics::iouForeground);
    public static final MetricColumn MIOU =
            metric("miou", "mIoU", Better.HIGHER, "mean of the two IoUs", DatasetMetrics::meanIou);
    public static final MetricColumn MAP = metric(
            "map",
            "mAP",
            Better.HIGHER,
            "mean of the per-image average precisions",
            DatasetMetrics::meanAveragePrecision);
    public static final MetricColumn FRACTIONS =
            curve("fractions", "perturbation steps: the share of pixels removed, from 0", DatasetMetrics::fractions);
    public static final MetricColumn ACCURACY_POSITIVE = curve(
            "accuracy_positive",
            "accuracy per step over labelled images, most relevant removed first",
            DatasetMetrics::accuracyPositive);
    public static final MetricColumn ACCURACY_NEGATIVE = curve(
            "accuracy_negative", "accuracy per step, least relevant removed first", DatasetMetrics::accuracyNegative);

    /** Every column, in table order. */
    public static final List<MetricColumn> COLUMNS = List.copyOf(ALL);

    private static final List<MetricColumn> SHOWN =
            COLUMNS.stream().filter(MetricColumn::shown).toList();
    private static final List<OutputColumn<MethodMetrics>> OUTPUT_COLUMNS =
            COLUMNS.stream().map(MetricColumn::column).toList();

    private MetricsTable() {}

    /** The dataset metrics shown in printed tables, in order. */
    public static List<MetricColumn> shown() {
        return SHOWN;
    }

    public static List<OutputColumn<MethodMetrics>> outputColumns() {
        return OUTPUT_COLUMNS;
    }

    public static StructType schema() {
        return OutputColumn.schema(outputColumns());
    }

    public static List<Row> rows(List<MethodMetrics> metrics) {
        return metrics.stream().map(m -> OutputColumn.row(outputColumns(), m)).toList();
    }

    /** One method's scalar columns (the curves left out), as the summary lists them; NaN as null. */
    public static JsonObject json(MethodMetrics m) {
        JsonObject o = new JsonObject();
        for (MetricColumn c : COLUMNS) {
            Object v = c.column().value().apply(m);
            if (v instanceof String s) {
                o.addProperty(c.name(), s);
            } else if (v instanceof Double d && !Double.isFinite(d)) {
                o.add(c.name(), JsonNull.INSTANCE); // nothing to measure (no mask, no label): JSON has no NaN
            } else if (v instanceof Number n) {
                o.addProperty(c.name(), n);
            }
        }
        return o;
    }

    /** Fixed-width text, one line per method and target; arrows say which direction is better. */
    public static String format(List<MethodMetrics> metrics) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "%-24s %-9s %7s", METHOD.name(), TARGET.name(), IMAGES.name()));
        for (MetricColumn c : shown()) {
            s.append(String.format(
                    Locale.ROOT, " %8s", c.heading() + " " + c.better().text()));
        }
        s.append(System.lineSeparator());
        for (MethodMetrics m : metrics) {
            s.append(String.format(
                    Locale.ROOT,
                    "%-24s %-9s %7d",
                    m.method(),
                    m.target(),
                    m.metrics().images()));
            for (MetricColumn c : shown()) {
                s.append(String.format(
                        Locale.ROOT, " %8s", fixed((Double) c.column().value().apply(m))));
            }
            s.append(System.lineSeparator());
        }
        return s.toString();
    }

    /** A metric to 4 decimals, "-" when there was nothing to measure (NaN). */
    public static String fixed(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static MetricColumn add(MetricColumn column) {
        ALL.add(column);
        return column;
    }

    private static MetricColumn key(String name, String doc, Function<MethodMetrics, Object> value) {
        return add(
                new MetricColumn(new OutputColumn<>(name, DataTypes.StringType, false, doc, value::apply), null, null));
    }

    private static MetricColumn count(String name, String doc, Function<DatasetMetrics, Object> value) {
        return add(new MetricColumn(column(name, DataTypes.LongType, doc, value), null, null));
    }

    private static MetricColumn value(String name, String doc, Function<DatasetMetrics, Object> value) {
        return add(new MetricColumn(column(name, DataTypes.DoubleType, doc, value), null, null));
    }

    private static MetricColumn metric(
            String name, String heading, Better better, String doc, Function<DatasetMetrics, Object> value) {
        return add(new MetricColumn(column(name, DataTypes.DoubleType, doc, value), heading, better));
    }

    private static MetricColumn curve(String name, String doc, Function<DatasetMetrics, double[]> value) {
        DataType type = DataTypes.createArrayType(DataTypes.DoubleType, false);
        return add(new MetricColumn(column(name, type, doc, d -> SparkArrays.boxed(value.apply(d))), null, null));
    }

    private static OutputColumn<MethodMetrics> column(
            String name, DataType type, String doc, Function<DatasetMetrics, Object> value) {
        return new OutputColumn<>(name, type, false, doc, m -> value.apply(m.metrics()));
    }
}
