package dev.tokentm.job.report;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.tokentm.job.output.RunOutput;
import dev.tokentm.udfs.io.Storage;
import dev.tokentm.udfs.spark.SparkArrays;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** What the report shows, read from a run's output with Spark; the page itself is {@link ReportPage}. */
record RunResults(
        JsonObject summary,
        List<String> classNames,
        String target,
        List<MethodRow> metrics,
        List<ImageRow> samples,
        List<ImageRow> audit,
        String auditMethod,
        List<ClassRow> perClass,
        List<String> methods,
        Map<String, Long> errors) {

    /** One method's dataset metrics. */
    record MethodRow(
            String method,
            String target,
            long images,
            double aucPositive,
            double aucNegative,
            double aopc,
            double logOdds,
            long segmented,
            double pixelAccuracy,
            double miou,
            double map,
            double[] fractions,
            double[] accuracyPositive,
            double[] accuracyNegative) {}

    /** One image with each method's heatmap (method order as in {@code methods}). */
    record ImageRow(
            String imageId,
            String path,
            Integer label,
            int predicted,
            float probability,
            Double relevanceOutside,
            Map<String, float[]> heatmaps,
            int gridHeight,
            int gridWidth) {}

    /** One class and method: images, model accuracy, mIoU from summed counts, mean relevance outside. */
    record ClassRow(int label, String method, long images, double accuracy, double miou, double relevanceOutside) {}

    static RunResults load(SparkSession spark, RunOutput output, int sampleCount, int auditCount, String auditMethod) {
        JsonObject summary = JsonParser.parseString(
                        new String(Storage.readAll(output.summary()), StandardCharsets.UTF_8))
                .getAsJsonObject();
        List<String> classNames = new ArrayList<>();
        if (summary.has("class_names")) {
            summary.getAsJsonArray("class_names").forEach(e -> classNames.add(e.getAsString()));
        }
        String target = summary.getAsJsonArray("targets").get(0).getAsString();
        List<MethodRow> metrics = new ArrayList<>();
        for (Row r : spark.read()
                .parquet(output.metrics())
                .orderBy("target", "method")
                .collectAsList()) {
            metrics.add(new MethodRow(
                    r.getAs("method"),
                    r.getAs("target"),
                    r.<Long>getAs("images"),
                    r.<Double>getAs("auc_positive"),
                    r.<Double>getAs("auc_negative"),
                    r.<Double>getAs("aopc"),
                    r.<Double>getAs("log_odds"),
                    r.<Long>getAs("segmented_images"),
                    r.<Double>getAs("pixel_accuracy"),
                    r.<Double>getAs("miou"),
                    r.<Double>getAs("map"),
                    SparkArrays.doubles(r.getList(r.fieldIndex("fractions"))),
                    SparkArrays.doubles(r.getList(r.fieldIndex("accuracy_positive"))),
                    SparkArrays.doubles(r.getList(r.fieldIndex("accuracy_negative")))));
        }
        List<String> methods = new ArrayList<>();
        summary.getAsJsonArray("methods").forEach(e -> methods.add(e.getAsString()));
        String audited = methods.contains(auditMethod) ? auditMethod : methods.get(0);

        Dataset<Row> rows = output.readImages();
        Dataset<Row> good = rows.where(col("error").isNull().and(col("target").equalTo(target)));
        Dataset<Row> firstIds =
                good.select("image_id").distinct().orderBy("image_id").limit(sampleCount);
        List<ImageRow> samples = images(good.join(firstIds, "image_id"), methods, null);
        Dataset<Row> worst = good.where(col("method")
                        .equalTo(audited)
                        .and(col("relevance_outside_mask").isNotNull()))
                .orderBy(desc("relevance_outside_mask"), col("image_id"))
                .limit(auditCount)
                .select("image_id");
        List<ImageRow> audit = images(good.join(worst, "image_id"), methods, audited);
        audit.sort((a, b) -> Double.compare(b.relevanceOutside(), a.relevanceOutside()));

        List<ClassRow> perClass = new ArrayList<>();
        for (Row r : good.where(col("label").isNotNull())
                .groupBy("label", "method")
                .agg(
                        count(lit(1)).alias("n"),
                        avg(when(col("predicted").equalTo(col("label")), 1.0).otherwise(0.0))
                                .alias("accuracy"),
                        sum(element_at(col("seg_intersection"), 1)).alias("i0"),
                        sum(element_at(col("seg_union"), 1)).alias("u0"),
                        sum(element_at(col("seg_intersection"), 2)).alias("i1"),
                        sum(element_at(col("seg_union"), 2)).alias("u1"),
                        avg("relevance_outside_mask").alias("outside"))
                .orderBy("label", "method")
                .collectAsList()) {
            double miou = r.isNullAt(r.fieldIndex("u0"))
                    ? Double.NaN
                    : 0.5 * (ratio(r.getAs("i0"), r.getAs("u0")) + ratio(r.getAs("i1"), r.getAs("u1")));
            Double outside = r.getAs("outside");
            perClass.add(new ClassRow(
                    r.<Integer>getAs("label"),
                    r.getAs("method"),
                    r.<Long>getAs("n"),
                    r.<Double>getAs("accuracy"),
                    miou,
                    outside == null ? Double.NaN : outside));
        }
        Map<String, Long> errors = new LinkedHashMap<>();
        for (Row r : rows.where(col("error").isNotNull())
                .groupBy("error")
                .count()
                .orderBy(desc("count"), col("error"))
                .limit(20)
                .collectAsList()) {
            errors.put(r.getString(0), r.getLong(1));
        }
        return new RunResults(summary, classNames, target, metrics, samples, audit, audited, perClass, methods, errors);
    }

    /** Rows of several images and methods folded into one {@link ImageRow} per image, in id order. */
    private static List<ImageRow> images(Dataset<Row> rows, List<String> methods, String scoreMethod) {
        Map<String, ImageRow> byId = new LinkedHashMap<>();
        for (Row r : rows.orderBy("image_id").collectAsList()) {
            String id = r.getAs("image_id");
            ImageRow image = byId.computeIfAbsent(
                    id,
                    k -> new ImageRow(
                            k,
                            r.getAs("path"),
                            r.getAs("label"),
                            r.<Integer>getAs("predicted"),
                            r.<Float>getAs("probability"),
                            null,
                            new LinkedHashMap<>(),
                            r.<Integer>getAs("heatmap_height"),
                            r.<Integer>getAs("heatmap_width")));
            String method = r.getAs("method");
            image.heatmaps().put(method, SparkArrays.floats(r.getList(r.fieldIndex("heatmap"))));
            if (method.equals(scoreMethod)) {
                byId.put(
                        id,
                        new ImageRow(
                                id,
                                image.path(),
                                image.label(),
                                image.predicted(),
                                image.probability(),
                                r.getAs("relevance_outside_mask"),
                                image.heatmaps(),
                                image.gridHeight(),
                                image.gridWidth()));
            }
        }
        return new ArrayList<>(byId.values());
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
