package dev.tokentm.job.output;

import dev.tokentm.job.aggregate.DatasetMetrics;
import dev.tokentm.job.aggregate.Interval;
import dev.tokentm.job.aggregate.Metric;
import dev.tokentm.job.aggregate.MetricsAggregator.MethodMetrics;
import dev.tokentm.udfs.metrics.Curve;
import dev.tokentm.udfs.metrics.Protocol;
import dev.tokentm.udfs.metrics.Score;
import dev.tokentm.udfs.table.OutputColumn;
import dev.tokentm.udfs.table.SparkArrays;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The dataset metrics table ({@code <output>/metrics/}): one row per method and explained class.
 * {@link #COLUMNS} is the one place it is defined: the Parquet schema and rows, the printed tables
 * ({@link MetricsText}), the summary's metrics ({@link MethodSummary}), the report and the column
 * reference ({@code docs/columns.md}) all come from it. The perturbation metrics come from {@link Score} (one per score,
 * with its interval) and {@link Curve} (one accuracy curve per curve with per-step correctness).
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

        static Better of(boolean higherIsBetter) {
            return higherIsBetter ? HIGHER : LOWER;
        }

        public String text() {
            return text;
        }

        public String html() {
            return html;
        }
    }

    /**
     * A block of the printed table: a removal protocol's metrics, or the segmentation test's.
     *
     * @param title its heading line
     */
    public record Section(String title) {

        public static final Section SEGMENTATION = new Section("segmentation against object masks");

        /** The section of a protocol's metrics. */
        public static Section of(Protocol protocol) {
            return new Section(protocol.title());
        }

        /** Every section in printed order: the removal protocols', then segmentation. */
        public static List<Section> all() {
            List<Section> sections = new ArrayList<>();
            Protocol.removals().forEach(p -> sections.add(of(p)));
            sections.add(SEGMENTATION);
            return sections;
        }
    }

    /**
     * A column of the metrics table; those with a heading are dataset metrics shown in the printed
     * table and the report, and have a confidence interval.
     *
     * @param heading short name in its printed section, null for columns not shown
     * @param label short name where sections mix (comparisons, the report), null for columns not shown
     * @param better which way the metric improves, null for columns not shown
     * @param section the block it is printed in, null for columns not shown
     * @param metric the metric of a {@link DatasetMetrics} (also of a bootstrap replicate), null for
     *     columns that are not scalar metrics
     */
    public record MetricColumn(
            OutputColumn<MethodMetrics> column,
            String heading,
            String label,
            Better better,
            Section section,
            ToDoubleFunction<DatasetMetrics> metric) {

        public boolean shown() {
            return heading != null;
        }

        public String name() {
            return column.name();
        }

        /** The metric's value for a group. */
        public double value(MethodMetrics m) {
            return metric.applyAsDouble(m.metrics());
        }

        /** Its 95% bootstrap interval. */
        public Interval ci95(MethodMetrics m) {
            return m.ci95(metric);
        }
    }

    /** The suffix of a metric's confidence interval in the summary and the Parquet table. */
    public static final String CI_SUFFIX = "_ci95";

    private static final List<MetricColumn> ALL = new ArrayList<>();

    public static final MetricColumn METHOD =
            key("method", "the explainer (as in the images table)", MethodMetrics::method);
    public static final MetricColumn TARGET =
            key("target", "the explained class: `predicted` or `label`", m -> m.target()
                    .label());
    public static final MetricColumn SANITY = key(
            "sanity_verdict",
            "the sanity checks' verdict: `passed`, `failed` (the maps do not depend on the model), null when not run",
            m -> m.sanityPassed() == null ? null : m.sanityPassed() ? "passed" : "failed");
    public static final MetricColumn IMAGES =
            count("images", "images measured (error rows left out)", DatasetMetrics::images);

    static {
        for (Score s : Score.values()) {
            metric(
                    s.metricColumn(),
                    s.heading(),
                    s.label(),
                    Better.of(s.higherIsBetter()),
                    Section.of(s.protocol()),
                    s.metricDoc(),
                    d -> d.score(s));
        }
    }

    public static final MetricColumn SEGMENTED_IMAGES =
            count("segmented_images", "images with an object mask", DatasetMetrics::segmentedImages);
    public static final MetricColumn PIXEL_ACCURACY = metric(
            "pixel_accuracy",
            "pixAcc",
            "pixAcc",
            Better.HIGHER,
            Section.SEGMENTATION,
            "segmentation test: correct pixels over mask pixels, summed over images",
            DatasetMetrics::pixelAccuracy);
    public static final MetricColumn IOU_BACKGROUND =
            value("iou_background", "background intersection over union, summed counts", DatasetMetrics::iouBackground);
    public static final MetricColumn IOU_FOREGROUND =
            value("iou_foreground", "foreground intersection over union, summed counts", DatasetMetrics::iouForeground);
    public static final MetricColumn MIOU = metric(
            "miou",
            "mIoU",
            "mIoU",
            Better.HIGHER,
            Section.SEGMENTATION,
            "mean of the two IoUs",
            DatasetMetrics::meanIou);
    public static final MetricColumn MAP = metric(
            "map",
            "mAP",
            "mAP",
            Better.HIGHER,
            Section.SEGMENTATION,
            "mean of the per-image average precisions",
            DatasetMetrics::meanAveragePrecision);
    public static final MetricColumn SECONDS_PER_IMAGE = value(
            "seconds_per_image",
            "the method's mean time per image: heatmap, perturbation and segmentation tests (not a faithfulness"
                    + " measure)",
            DatasetMetrics::secondsPerImage);
    public static final MetricColumn AGREEMENT = value(
            "method_agreement",
            "methods that run a changed model (EViT's pruned model): the share of images on which it predicts the"
                    + " model's class; null for the others",
            DatasetMetrics::agreement);
    public static final MetricColumn FRACTIONS =
            curve("fractions", "perturbation steps: the share of pixels removed, from 0", DatasetMetrics::fractions);

    static {
        for (Curve c : Curve.withAccuracy()) {
            curve(accuracyColumn(c), "accuracy per step over labelled images, " + c.doc(), d -> d.accuracy(c));
        }
    }

    /** Every column, in table order. */
    public static final List<MetricColumn> COLUMNS = List.copyOf(ALL);

    private static final List<MetricColumn> SHOWN =
            COLUMNS.stream().filter(MetricColumn::shown).toList();
    private static final List<OutputColumn<MethodMetrics>> OUTPUT_COLUMNS =
            COLUMNS.stream().map(MetricColumn::column).toList();

    private MetricsTable() {}

    /** The name of a curve's accuracy column, {@code accuracy_<curve>}. */
    public static String accuracyColumn(Curve c) {
        return "accuracy_" + c.prefix();
    }

    /** A score's column. */
    public static MetricColumn of(Score score) {
        return COLUMNS.stream()
                .filter(c -> c.name().equals(score.metricColumn()))
                .findFirst()
                .orElseThrow();
    }

    /** The shown metrics as the statistics see them: name, direction, value. */
    public static List<Metric> metrics() {
        return shown().stream()
                .map(c -> new Metric(c.name(), c.better() == Better.HIGHER, c.metric()))
                .toList();
    }

    /** The dataset metrics shown in printed tables, in order. */
    public static List<MetricColumn> shown() {
        return SHOWN;
    }

    /** A shown metric's label by its column name; the name itself for any other. */
    public static String label(String metric) {
        return SHOWN.stream()
                .filter(c -> c.name().equals(metric))
                .map(MetricColumn::label)
                .findFirst()
                .orElse(metric);
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

    private static MetricColumn add(MetricColumn column) {
        ALL.add(column);
        return column;
    }

    private static MetricColumn key(String name, String doc, Function<MethodMetrics, Object> value) {
        return add(new MetricColumn(
                new OutputColumn<>(name, DataTypes.StringType, true, doc, value::apply), null, null, null, null, null));
    }

    private static MetricColumn count(String name, String doc, ToDoubleFunction<DatasetMetrics> value) {
        return add(new MetricColumn(
                column(name, DataTypes.LongType, doc, d -> Math.round(value.applyAsDouble(d))),
                null,
                null,
                null,
                null,
                null));
    }

    /** A metric not shown in the printed table, with its interval. */
    private static MetricColumn value(String name, String doc, ToDoubleFunction<DatasetMetrics> value) {
        MetricColumn c = add(new MetricColumn(
                column(name, DataTypes.DoubleType, doc, value::applyAsDouble), null, null, null, null, value));
        interval(c);
        return c;
    }

    private static MetricColumn metric(
            String name,
            String heading,
            String label,
            Better better,
            Section section,
            String doc,
            ToDoubleFunction<DatasetMetrics> value) {
        MetricColumn c = add(new MetricColumn(
                column(name, DataTypes.DoubleType, doc, value::applyAsDouble), heading, label, better, section, value));
        interval(c);
        return c;
    }

    /** The metric's 95% bootstrap interval as a Parquet column {@code <name>_ci95}. */
    private static void interval(MetricColumn metric) {
        DataType type = DataTypes.createArrayType(DataTypes.DoubleType, true);
        add(new MetricColumn(
                new OutputColumn<>(
                        metric.name() + CI_SUFFIX,
                        type,
                        true,
                        "95% bootstrap interval [low, high] of `" + metric.name() + "`",
                        m -> {
                            Interval ci = metric.ci95(m);
                            return ci.defined() ? new Double[] {ci.low(), ci.high()} : null;
                        }),
                null,
                null,
                null,
                null,
                null));
    }

    private static MetricColumn curve(String name, String doc, Function<DatasetMetrics, double[]> value) {
        DataType type = DataTypes.createArrayType(DataTypes.DoubleType, false);
        return add(new MetricColumn(
                new OutputColumn<>(name, type, true, doc, m -> {
                    double[] v = value.apply(m.metrics());
                    return v == null || Arrays.stream(v).allMatch(Double::isNaN) ? null : SparkArrays.boxed(v);
                }),
                null,
                null,
                null,
                null,
                null));
    }

    private static OutputColumn<MethodMetrics> column(
            String name, DataType type, String doc, Function<DatasetMetrics, Object> value) {
        return new OutputColumn<>(name, type, false, doc, m -> value.apply(m.metrics()));
    }
}
