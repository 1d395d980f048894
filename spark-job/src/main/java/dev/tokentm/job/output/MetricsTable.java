package dev.tokentm.job.output;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.tokentm.job.aggregate.Comparisons;
import dev.tokentm.job.aggregate.DatasetMetrics;
import dev.tokentm.job.aggregate.Interval;
import dev.tokentm.job.aggregate.Metric;
import dev.tokentm.job.aggregate.MetricsAggregator.MethodMetrics;
import dev.tokentm.udfs.table.OutputColumn;
import dev.tokentm.udfs.table.SparkArrays;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
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

    /** Which protocol a metric belongs to; the printed table shows one block per section. */
    public enum Section {
        ZERO("pixels set to 0 (Chefer et al.; RISE deletion)"),
        ROAD("ROAD: noisy linear imputation"),
        BLUR("blurred copy (RISE insertion)"),
        SEGMENTATION("segmentation against object masks");

        private final String title;

        Section(String title) {
            this.title = title;
        }

        public String title() {
            return title;
        }
    }

    /**
     * A column of the metrics table; those with a heading are dataset metrics shown in the printed
     * table and the report, and have a confidence interval.
     *
     * @param heading short name in printed tables, null for columns not shown
     * @param better which way the metric improves, null for columns not shown
     * @param section the protocol it belongs to, null for columns not shown
     * @param metric the metric of a {@link DatasetMetrics} (also of a bootstrap replicate), null for
     *     columns that are not scalar metrics
     */
    public record MetricColumn(
            OutputColumn<MethodMetrics> column,
            String heading,
            Better better,
            Section section,
            ToDoubleFunction<DatasetMetrics> metric) {

        public boolean shown() {
            return heading != null;
        }

        public String name() {
            return column.name();
        }

        /** The heading with its section where headings repeat across sections ({@code ROAD SRG}, {@code blur MoRF}). */
        public String label() {
            if (section == Section.ROAD) {
                return "ROAD " + heading;
            }
            return section == Section.BLUR && !heading.equals("Ins") ? "blur " + heading : heading;
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

    private static final List<MetricColumn> ALL = new ArrayList<>();

    public static final MetricColumn METHOD =
            key("method", "the explainer (as in the images table)", MethodMetrics::method);
    public static final MetricColumn TARGET =
            key("target", "the explained class: `predicted` or `label`", MethodMetrics::target);
    public static final MetricColumn SANITY = key(
            "sanity_verdict",
            "the sanity checks' verdict: `passed`, `failed` (the maps do not depend on the model), null when not run",
            m -> m.sanityPassed() == null ? null : m.sanityPassed() ? "passed" : "failed");
    public static final MetricColumn IMAGES =
            count("images", "images measured (error rows left out)", DatasetMetrics::images);
    public static final MetricColumn AUC_POSITIVE = metric(
            "auc_positive",
            "AUC+",
            Better.LOWER,
            Section.ZERO,
            "area under the accuracy curve over the fraction removed, most relevant pixels set to 0 first",
            DatasetMetrics::aucPositive);
    public static final MetricColumn AUC_NEGATIVE = metric(
            "auc_negative",
            "AUC-",
            Better.HIGHER,
            Section.ZERO,
            "the same, least relevant pixels set to 0 first",
            DatasetMetrics::aucNegative);
    public static final MetricColumn SRG = metric(
            "srg",
            "SRG",
            Better.HIGHER,
            Section.ZERO,
            "SRG with zeroing: `auc_negative` − `auc_positive`",
            DatasetMetrics::srg);
    public static final MetricColumn AOPC =
            metric("aopc", "AOPC", Better.HIGHER, Section.ZERO, "mean per-image AOPC", DatasetMetrics::aopc);
    public static final MetricColumn LOG_ODDS =
            metric("log_odds", "LOdds", Better.LOWER, Section.ZERO, "mean per-image LOdds", DatasetMetrics::logOdds);
    public static final MetricColumn DELETION_AUC = metric(
            "deletion_auc",
            "Del",
            Better.LOWER,
            Section.ZERO,
            "mean area under RISE's deletion curve (explained class's probability, fraction 0 to 1)",
            DatasetMetrics::deletionAuc);
    public static final MetricColumn ROAD_MORF_AUC = metric(
            "road_morf_auc",
            "MoRF",
            Better.LOWER,
            Section.ROAD,
            "ROAD: area under the accuracy curve, most relevant pixels imputed first",
            DatasetMetrics::roadMorfAuc);
    public static final MetricColumn ROAD_LERF_AUC = metric(
            "road_lerf_auc",
            "LeRF",
            Better.HIGHER,
            Section.ROAD,
            "ROAD: the same, least relevant first",
            DatasetMetrics::roadLerfAuc);
    public static final MetricColumn ROAD_SRG = metric(
            "road_srg",
            "SRG",
            Better.HIGHER,
            Section.ROAD,
            "`road_lerf_auc` − `road_morf_auc`",
            DatasetMetrics::roadSrg);
    public static final MetricColumn BLUR_MORF_AUC = metric(
            "blur_morf_auc",
            "MoRF",
            Better.LOWER,
            Section.BLUR,
            "area under the accuracy curve, most relevant pixels blurred first",
            DatasetMetrics::blurMorfAuc);
    public static final MetricColumn BLUR_LERF_AUC = metric(
            "blur_lerf_auc",
            "LeRF",
            Better.HIGHER,
            Section.BLUR,
            "the same, least relevant first",
            DatasetMetrics::blurLerfAuc);
    public static final MetricColumn BLUR_SRG = metric(
            "blur_srg",
            "SRG",
            Better.HIGHER,
            Section.BLUR,
            "`blur_lerf_auc` − `blur_morf_auc`",
            DatasetMetrics::blurSrg);
    public static final MetricColumn INSERTION_AUC = metric(
            "insertion_auc",
            "Ins",
            Better.HIGHER,
            Section.BLUR,
            "mean area under RISE's insertion curve (most relevant revealed first on a blurred copy)",
            DatasetMetrics::insertionAuc);
    public static final MetricColumn SEGMENTED_IMAGES =
            count("segmented_images", "images with an object mask", DatasetMetrics::segmentedImages);
    public static final MetricColumn PIXEL_ACCURACY = metric(
            "pixel_accuracy",
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
            "miou", "mIoU", Better.HIGHER, Section.SEGMENTATION, "mean of the two IoUs", DatasetMetrics::meanIou);
    public static final MetricColumn MAP = metric(
            "map",
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
    public static final MetricColumn FRACTIONS =
            curve("fractions", "perturbation steps: the share of pixels removed, from 0", DatasetMetrics::fractions);
    public static final MetricColumn ACCURACY_POSITIVE = curve(
            "accuracy_positive",
            "accuracy per step over labelled images, most relevant set to 0 first",
            DatasetMetrics::accuracyPositive);
    public static final MetricColumn ACCURACY_NEGATIVE = curve(
            "accuracy_negative", "accuracy per step, least relevant set to 0 first", DatasetMetrics::accuracyNegative);
    public static final MetricColumn ACCURACY_ROAD_MORF = curve(
            "accuracy_road_morf", "accuracy per step, ROAD, most relevant first", DatasetMetrics::accuracyRoadMorf);
    public static final MetricColumn ACCURACY_ROAD_LERF = curve(
            "accuracy_road_lerf", "accuracy per step, ROAD, least relevant first", DatasetMetrics::accuracyRoadLerf);
    public static final MetricColumn ACCURACY_BLUR_MORF = curve(
            "accuracy_blur_morf", "accuracy per step, blurred, most relevant first", DatasetMetrics::accuracyBlurMorf);
    public static final MetricColumn ACCURACY_BLUR_LERF = curve(
            "accuracy_blur_lerf", "accuracy per step, blurred, least relevant first", DatasetMetrics::accuracyBlurLerf);

    /** Every column, in table order. */
    public static final List<MetricColumn> COLUMNS = List.copyOf(ALL);

    private static final List<MetricColumn> SHOWN =
            COLUMNS.stream().filter(MetricColumn::shown).toList();
    private static final List<OutputColumn<MethodMetrics>> OUTPUT_COLUMNS =
            COLUMNS.stream().map(MetricColumn::column).toList();

    private MetricsTable() {}

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

    public static List<OutputColumn<MethodMetrics>> outputColumns() {
        return OUTPUT_COLUMNS;
    }

    public static StructType schema() {
        return OutputColumn.schema(outputColumns());
    }

    public static List<Row> rows(List<MethodMetrics> metrics) {
        return metrics.stream().map(m -> OutputColumn.row(outputColumns(), m)).toList();
    }

    /**
     * One method's scalar columns (the curves left out), as the summary lists them, each metric with
     * its {@code <name>_ci95} pair; NaN as null.
     */
    public static JsonObject json(MethodMetrics m) {
        JsonObject o = new JsonObject();
        for (MetricColumn c : COLUMNS) {
            Object v = c.column().value().apply(m);
            if (v instanceof String s) {
                o.addProperty(c.name(), s);
            } else if (v instanceof Double d) {
                o.add(c.name(), number(d));
            } else if (v instanceof Number n) {
                o.addProperty(c.name(), n);
            }
            if (c.metric() != null) {
                Interval ci = c.ci95(m);
                JsonArray pair = new JsonArray();
                pair.add(number(ci.low()));
                pair.add(number(ci.high()));
                o.add(c.name() + CI_SUFFIX, pair);
            }
        }
        return o;
    }

    /** The suffix of a metric's confidence interval in the summary and the Parquet table. */
    public static final String CI_SUFFIX = "_ci95";

    /** A number, or null for NaN (nothing to measure: no mask, no label, protocol not run): JSON has no NaN. */
    private static JsonElement number(double d) {
        return Double.isFinite(d) ? new JsonPrimitive(d) : JsonNull.INSTANCE;
    }

    /**
     * Fixed-width text: one block per section that has values, one line per method and target,
     * each metric as {@code value ±half-width} of its 95% interval; arrows say which direction is
     * better.
     *
     */
    public static String format(List<MethodMetrics> metrics) {
        StringBuilder s = new StringBuilder();
        for (Section section : Section.values()) {
            List<MetricColumn> columns = shown().stream()
                    .filter(c -> c.section() == section)
                    .filter(c -> metrics.stream().anyMatch(m -> !Double.isNaN(c.value(m))))
                    .toList();
            if (columns.isEmpty()) {
                continue;
            }
            s.append(section.title()).append(System.lineSeparator());
            s.append(String.format(Locale.ROOT, "%-32s %-9s %7s", METHOD.name(), TARGET.name(), IMAGES.name()));
            for (MetricColumn c : columns) {
                s.append(String.format(
                        Locale.ROOT, " %15s", c.heading() + " " + c.better().text()));
            }
            s.append(System.lineSeparator());
            for (MethodMetrics m : metrics) {
                boolean failed = Boolean.FALSE.equals(m.sanityPassed());
                s.append(String.format(
                        Locale.ROOT,
                        "%-32s %-9s %7d",
                        failed ? m.method() + " (sanity: failed)" : m.method(),
                        m.target(),
                        Math.round(m.metrics().images())));
                for (MetricColumn c : columns) {
                    s.append(String.format(Locale.ROOT, " %15s", withInterval(c.value(m), c.ci95(m))));
                }
                s.append(System.lineSeparator());
            }
            s.append(System.lineSeparator());
        }
        return s.toString();
    }

    /**
     * The paired comparisons as text: per target, one line per method, each metric's difference to
     * the reference; {@code *} marks a difference whose 95% interval excludes 0, {@code +}/{@code -}
     * after it whether the method is better or worse by that metric's direction.
     */
    public static String formatComparisons(List<Comparisons.Comparison> comparisons) {
        if (comparisons.isEmpty()) {
            return "";
        }
        StringBuilder s = new StringBuilder();
        String versus = comparisons.get(0).versus();
        s.append("difference to ")
                .append(versus)
                .append(" on the same images (* = 95% bootstrap interval excludes 0; better/worse by the metric's"
                        + " direction)")
                .append(System.lineSeparator());
        List<String> metrics = comparisons.stream()
                .map(Comparisons.Comparison::metric)
                .distinct()
                .toList();
        s.append(String.format(Locale.ROOT, "%-24s %-9s", METHOD.name(), TARGET.name()));
        for (String m : metrics) {
            s.append(String.format(Locale.ROOT, " %13s", label(m)));
        }
        s.append(System.lineSeparator());
        Map<String, Map<String, Comparisons.Comparison>> rows = new java.util.LinkedHashMap<>();
        for (Comparisons.Comparison c : comparisons) {
            rows.computeIfAbsent(c.method() + "\t" + c.target(), k -> new java.util.HashMap<>())
                    .put(c.metric(), c);
        }
        rows.forEach((key, byMetric) -> {
            String[] mt = key.split("\t");
            s.append(String.format(Locale.ROOT, "%-24s %-9s", mt[0], mt[1]));
            for (String m : metrics) {
                Comparisons.Comparison c = byMetric.get(m);
                String cell = c == null
                        ? "-"
                        : String.format(Locale.ROOT, "%+.3f", c.difference())
                                + (c.significant() ? (c.better() ? "* better" : "* worse") : "");
                s.append(String.format(Locale.ROOT, " %13s", cell));
            }
            s.append(System.lineSeparator());
        });
        return s.append(System.lineSeparator()).toString();
    }

    /** A metric's printed label by its column name. */
    public static String label(String metric) {
        return SHOWN.stream()
                .filter(c -> c.name().equals(metric))
                .map(MetricColumn::label)
                .findFirst()
                .orElse(metric);
    }

    /** {@code 0.1500 ±0.0120}: the value and the half-width of its interval; the value alone without one. */
    public static String withInterval(double value, Interval ci) {
        if (Double.isNaN(value)) {
            return "-";
        }
        if (!ci.defined()) {
            return fixed(value);
        }
        return String.format(Locale.ROOT, "%.3f ±%.3f", value, (ci.high() - ci.low()) / 2);
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
        return add(new MetricColumn(
                new OutputColumn<>(name, DataTypes.StringType, true, doc, value::apply), null, null, null, null));
    }

    private static MetricColumn count(String name, String doc, ToDoubleFunction<DatasetMetrics> value) {
        return add(new MetricColumn(
                column(name, DataTypes.LongType, doc, d -> Math.round(value.applyAsDouble(d))),
                null,
                null,
                null,
                null));
    }

    /** A metric not shown in the printed table, with its interval. */
    private static MetricColumn value(String name, String doc, ToDoubleFunction<DatasetMetrics> value) {
        MetricColumn c = add(new MetricColumn(
                column(name, DataTypes.DoubleType, doc, value::applyAsDouble), null, null, null, value));
        interval(c);
        return c;
    }

    private static MetricColumn metric(
            String name,
            String heading,
            Better better,
            Section section,
            String doc,
            ToDoubleFunction<DatasetMetrics> value) {
        MetricColumn c = add(new MetricColumn(
                column(name, DataTypes.DoubleType, doc, value::applyAsDouble), heading, better, section, value));
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
                null));
    }

    private static OutputColumn<MethodMetrics> column(
            String name, DataType type, String doc, Function<DatasetMetrics, Object> value) {
        return new OutputColumn<>(name, type, false, doc, m -> value.apply(m.metrics()));
    }
}
