package dev.tokentm.job.report;

import static dev.tokentm.udfs.table.ImageTable.ERROR;
import static dev.tokentm.udfs.table.ImageTable.HEATMAP;
import static dev.tokentm.udfs.table.ImageTable.HEATMAP_HEIGHT;
import static dev.tokentm.udfs.table.ImageTable.HEATMAP_WIDTH;
import static dev.tokentm.udfs.table.ImageTable.IMAGE_ID;
import static dev.tokentm.udfs.table.ImageTable.LABEL;
import static dev.tokentm.udfs.table.ImageTable.METHOD;
import static dev.tokentm.udfs.table.ImageTable.PATH;
import static dev.tokentm.udfs.table.ImageTable.PREDICTED;
import static dev.tokentm.udfs.table.ImageTable.PROBABILITY;
import static dev.tokentm.udfs.table.ImageTable.RELEVANCE_OUTSIDE_MASK;
import static dev.tokentm.udfs.table.ImageTable.SEG_INTERSECTION;
import static dev.tokentm.udfs.table.ImageTable.SEG_UNION;
import static dev.tokentm.udfs.table.ImageTable.TARGET;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.tokentm.job.aggregate.Interval;
import dev.tokentm.job.output.MethodSummary;
import dev.tokentm.job.output.MetricsTable;
import dev.tokentm.job.output.RunOutput;
import dev.tokentm.job.output.RunSummary;
import dev.tokentm.udfs.metrics.Curve;
import dev.tokentm.udfs.table.SparkArrays;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;

/** What the report shows, read from a run's output with Spark; the page itself is {@link ReportPage}. */
record RunResults(
        RunSummary summary,
        List<String> classNames,
        String target,
        List<MethodRow> metrics,
        List<ImageRow> samples,
        List<ImageRow> audit,
        String auditMethod,
        List<ClassRow> perClass,
        List<String> methods,
        Map<String, Long> errors,
        List<SanityRow> sanity,
        AuditStrategies strategies) {

    /**
     * One method's dataset metrics.
     *
     * @param shown the values of {@link MetricsTable#shown()}, in that order
     * @param intervals their 95% bootstrap intervals ({@link Interval#NONE} without a bootstrap)
     */
    record MethodRow(
            String method,
            String target,
            long images,
            double secondsPerImage,
            double agreement,
            Interval agreementInterval,
            double[] shown,
            Interval[] intervals,
            double[] fractions,
            double[] accuracyPositive,
            double[] accuracyNegative) {}

    /**
     * One method and target's sanity checks, from the summary.
     *
     * @param steps the randomization cascade's steps
     * @param correlations mean rank correlation with the trained model's maps after each step
     */
    record SanityRow(
            String method,
            String target,
            List<String> steps,
            double[] correlations,
            double randomLogit,
            boolean passed) {}

    /** Whether a method failed the sanity checks (for any target). */
    boolean failedSanity(String method) {
        return sanity.stream().anyMatch(s -> s.method().equals(method) && !s.passed());
    }

    /** One image with each method's heatmap (method order as in {@code methods}). */
    record ImageRow(
            String imageId,
            String path,
            Integer label,
            Integer predicted,
            Float probability,
            Double relevanceOutside,
            Map<String, Heatmap> heatmaps) {}

    /** One method's heatmap, row-major {@code height × width} (patches, or pixels). */
    record Heatmap(float[] values, int height, int width) {}

    /** One class and method: images, model accuracy, mIoU from summed counts, mean relevance outside. */
    record ClassRow(int label, String method, long images, double accuracy, double miou, double relevanceOutside) {}

    static RunResults load(SparkSession spark, RunOutput output, int sampleCount, int auditCount, String auditMethod) {
        RunSummary summary = output.readSummary();
        List<String> classNames = summary.classNames() == null ? List.of() : summary.classNames();
        String target = summary.targets().get(0);
        List<MethodRow> metrics = new ArrayList<>();
        for (Row r : spark.read()
                .parquet(output.metrics())
                .orderBy(MetricsTable.TARGET.name(), MetricsTable.METHOD.name())
                .collectAsList()) {
            double[] shown = MetricsTable.shown().stream()
                    .mapToDouble(c -> has(r, c.name()) ? r.<Double>getAs(c.name()) : Double.NaN)
                    .toArray();
            Interval[] intervals = MetricsTable.shown().stream()
                    .map(c -> interval(r, c.name() + MetricsTable.CI_SUFFIX))
                    .toArray(Interval[]::new);
            metrics.add(new MethodRow(
                    r.getAs(MetricsTable.METHOD.name()),
                    r.getAs(MetricsTable.TARGET.name()),
                    r.<Long>getAs(MetricsTable.IMAGES.name()),
                    has(r, MetricsTable.SECONDS_PER_IMAGE.name())
                            ? r.<Double>getAs(MetricsTable.SECONDS_PER_IMAGE.name())
                            : Double.NaN,
                    has(r, MetricsTable.AGREEMENT.name()) ? r.<Double>getAs(MetricsTable.AGREEMENT.name()) : Double.NaN,
                    interval(r, MetricsTable.AGREEMENT.name() + MetricsTable.CI_SUFFIX),
                    shown,
                    intervals,
                    doubles(r, MetricsTable.FRACTIONS.name()),
                    doubles(r, MetricsTable.accuracyColumn(Curve.POSITIVE)),
                    doubles(r, MetricsTable.accuracyColumn(Curve.NEGATIVE))));
        }
        List<String> methods = summary.methods();
        String audited = methods.contains(auditMethod) ? auditMethod : methods.get(0);

        Dataset<Row> rows = output.readImages();
        Dataset<Row> good = rows.where(ERROR.col().isNull().and(TARGET.col().equalTo(target)));
        List<String> sampleIds = spreadOfClasses(good, sampleCount);
        Map<String, ImageRow> byId = new LinkedHashMap<>();
        for (ImageRow image : images(good.where(IMAGE_ID.col().isin(sampleIds.toArray())), methods, null)) {
            byId.put(image.imageId(), image);
        }
        List<ImageRow> samples = sampleIds.stream().map(byId::get).toList();
        Dataset<Row> worst = good.where(METHOD.col()
                        .equalTo(audited)
                        .and(RELEVANCE_OUTSIDE_MASK.col().isNotNull()))
                .orderBy(RELEVANCE_OUTSIDE_MASK.col().desc(), IMAGE_ID.col())
                .limit(auditCount)
                .select(IMAGE_ID.name());
        List<ImageRow> audit = images(good.join(worst, IMAGE_ID.name()), methods, audited);
        audit.sort((a, b) -> Double.compare(b.relevanceOutside(), a.relevanceOutside()));

        List<ClassRow> perClass = new ArrayList<>();
        for (Row r : good.where(LABEL.col().isNotNull())
                .groupBy(LABEL.col(), METHOD.col())
                .agg(
                        count(lit(1)).alias("n"),
                        avg(when(PREDICTED.col().isNull(), lit(null)) // a backbone predicts nothing
                                        .when(PREDICTED.col().equalTo(LABEL.col()), 1.0)
                                        .otherwise(0.0))
                                .alias("accuracy"),
                        sum(element_at(SEG_INTERSECTION.col(), 1)).alias("i0"),
                        sum(element_at(SEG_UNION.col(), 1)).alias("u0"),
                        sum(element_at(SEG_INTERSECTION.col(), 2)).alias("i1"),
                        sum(element_at(SEG_UNION.col(), 2)).alias("u1"),
                        avg(RELEVANCE_OUTSIDE_MASK.col()).alias("outside"))
                .orderBy(LABEL.col(), METHOD.col())
                .collectAsList()) {
            double miou = r.isNullAt(r.fieldIndex("u0"))
                    ? Double.NaN
                    : 0.5 * (ratio(r.getAs("i0"), r.getAs("u0")) + ratio(r.getAs("i1"), r.getAs("u1")));
            Double outside = r.getAs("outside");
            perClass.add(new ClassRow(
                    r.<Integer>getAs(LABEL.name()),
                    r.getAs(METHOD.name()),
                    r.<Long>getAs("n"),
                    r.isNullAt(r.fieldIndex("accuracy")) ? Double.NaN : r.<Double>getAs("accuracy"),
                    miou,
                    outside == null ? Double.NaN : outside));
        }
        Map<String, Long> errors = new LinkedHashMap<>();
        for (Row r : rows.where(ERROR.col().isNotNull())
                .groupBy(ERROR.col())
                .count()
                .orderBy(functions.desc("count"), ERROR.col())
                .limit(20)
                .collectAsList()) {
            errors.put(r.getString(0), r.getLong(1));
        }
        return new RunResults(
                summary,
                classNames,
                target,
                metrics,
                samples,
                audit,
                audited,
                perClass,
                methods,
                errors,
                sanity(summary),
                AuditStrategies.load(output));
    }

    /**
     * Up to {@code count} image ids for the sample grid, a spread of classes: each class's first
     * image (by id), then each class's second, and so on; classes in label order, unlabeled last.
     */
    static List<String> spreadOfClasses(Dataset<Row> rows, int count) {
        return rows
                .select(IMAGE_ID.col(), LABEL.col())
                .distinct()
                .withColumn(
                        "turn",
                        row_number().over(Window.partitionBy(LABEL.col()).orderBy(IMAGE_ID.col())))
                .orderBy(col("turn"), LABEL.col().asc_nulls_last(), IMAGE_ID.col())
                .limit(count)
                .collectAsList()
                .stream()
                .map(r -> r.getString(0))
                .toList();
    }

    /** The sanity checks of the summary's metrics entries. */
    private static List<SanityRow> sanity(RunSummary summary) {
        List<SanityRow> rows = new ArrayList<>();
        for (MethodSummary m : summary.metrics()) {
            if (m.sanity() != null) {
                rows.add(new SanityRow(
                        m.method(),
                        m.target(),
                        m.sanity().cascadeSteps(),
                        m.sanity().correlations(),
                        m.sanity().randomLogit(),
                        m.sanity().passed()));
            }
        }
        return rows;
    }

    private static Interval interval(Row r, String field) {
        if (!has(r, field)) {
            return Interval.NONE; // a run written before intervals existed
        }
        int index = r.fieldIndex(field);
        if (r.isNullAt(index)) {
            return Interval.NONE;
        }
        List<Object> ends = r.getList(index);
        return new Interval(number(ends.get(0)), number(ends.get(1)));
    }

    /** Whether the row has the column (runs written by older versions lack the newer ones). */
    private static boolean has(Row r, String field) {
        return java.util.Arrays.asList(r.schema().fieldNames()).contains(field);
    }

    private static double number(Object v) {
        return v == null ? Double.NaN : ((Number) v).doubleValue();
    }

    /** Rows of several images and methods folded into one {@link ImageRow} per image, in id order. */
    private static List<ImageRow> images(Dataset<Row> rows, List<String> methods, String scoreMethod) {
        Map<String, ImageRow> byId = new LinkedHashMap<>();
        for (Row r : rows.orderBy(IMAGE_ID.name()).collectAsList()) {
            String id = r.getAs(IMAGE_ID.name());
            ImageRow image = byId.computeIfAbsent(
                    id,
                    k -> new ImageRow(
                            k,
                            r.getAs(PATH.name()),
                            r.getAs(LABEL.name()),
                            r.<Integer>getAs(PREDICTED.name()),
                            r.<Float>getAs(PROBABILITY.name()),
                            null,
                            new LinkedHashMap<>()));
            String method = r.getAs(METHOD.name());
            image.heatmaps()
                    .put(
                            method,
                            new Heatmap(
                                    SparkArrays.floats(r.getList(r.fieldIndex(HEATMAP.name()))),
                                    r.<Integer>getAs(HEATMAP_HEIGHT.name()),
                                    r.<Integer>getAs(HEATMAP_WIDTH.name())));
            if (method.equals(scoreMethod)) {
                byId.put(
                        id,
                        new ImageRow(
                                id,
                                image.path(),
                                image.label(),
                                image.predicted(),
                                image.probability(),
                                r.getAs(RELEVANCE_OUTSIDE_MASK.name()),
                                image.heatmaps()));
            }
        }
        return new ArrayList<>(byId.values());
    }

    private static double[] doubles(Row r, String column) {
        int index = r.fieldIndex(column);
        return r.isNullAt(index) ? null : SparkArrays.doubles(r.getList(index));
    }

    private static double ratio(Object numerator, Object denominator) {
        double d = ((Number) denominator).doubleValue();
        return d == 0 ? Double.NaN : ((Number) numerator).doubleValue() / d;
    }

    String className(Integer label) {
        if (label == null) {
            return "-";
        }
        return label >= 0 && label < classNames.size() ? classNames.get(label) : String.valueOf(label);
    }
}
