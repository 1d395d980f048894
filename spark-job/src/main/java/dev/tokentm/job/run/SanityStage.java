package dev.tokentm.job.run;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.xxhash64;

import dev.tokentm.job.aggregate.MetricsAggregator;
import dev.tokentm.job.output.RunOutput;
import dev.tokentm.job.output.SanitySummary;
import dev.tokentm.udfs.metrics.ModelRandomization;
import dev.tokentm.udfs.metrics.SanityCheck;
import dev.tokentm.udfs.metrics.TargetMode;
import dev.tokentm.udfs.model.VitConfig;
import dev.tokentm.udfs.spark.VitExplainer;
import dev.tokentm.udfs.table.SanityTable;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The sanity checks of a run: a seeded sample of the input (the images with the smallest hash of
 * id and seed, so the same sample on every run and resume), explained by the executors with the
 * trained model, a random other class and each step of the randomization cascade ({@link
 * VitExplainer#sanityCheck()}); the rows go to {@code <output>/sanity/} (rewritten each run), and
 * Spark averages them per method and target into a {@link Verdict}.
 */
public final class SanityStage {

    /** Images in the sample unless told otherwise. */
    public static final int DEFAULT_IMAGES = 128;

    /**
     * One method and target's sanity check.
     *
     * @param cascadeSteps the cascade's steps by name
     * @param cascade mean rank correlation with the trained model's maps after each step
     * @param randomLogit mean rank correlation with a random other class's maps
     * @param images sampled images behind the means
     * @param passed whether the maps changed when the model was destroyed: the mean correlation after
     *     the last step is below {@link SanityCheck#FAILS_AT}
     */
    public record Result(
            String method,
            TargetMode target,
            List<String> cascadeSteps,
            double[] cascade,
            double randomLogit,
            long images,
            boolean passed) {

        /** As the summary lists it. */
        public SanitySummary summary() {
            return SanitySummary.of(cascadeSteps, cascade, randomLogit, images, passed);
        }
    }

    /** A method's results per target; it passes when every target passes. */
    public record Verdict(String method, Map<TargetMode, Result> byTarget) {
        public boolean passed() {
            return byTarget.values().stream().allMatch(Result::passed);
        }
    }

    private final SparkSession spark;
    private final PrintStream out;

    public SanityStage(SparkSession spark, PrintStream out) {
        this.spark = spark;
        this.out = out;
    }

    /**
     * @param input the run's input (every image, done or not)
     * @return verdicts by method
     */
    public Map<String, Verdict> run(
            Dataset<Row> input, VitExplainer explainer, VitConfig config, int images, RunOutput output) {
        long seed = explainer.settings().seed();
        Dataset<Row> sample = input.orderBy(xxhash64(input.col(SanityTable.IMAGE_ID.name()), lit(seed)))
                .limit(images)
                .repartition(Math.max(1, spark.sparkContext().defaultParallelism()));
        long start = System.nanoTime();
        output.writeSanity(explainer.sanityCheck().transform(sample));
        List<String> steps = ModelRandomization.cascade(config);
        Map<String, Verdict> verdicts = verdicts(output.readSanity(), steps);
        out.printf(
                Locale.ROOT,
                "tokentm: sanity checks on %d sampled images in %.1f s%n",
                verdicts.values().stream()
                        .flatMap(v -> v.byTarget().values().stream())
                        .mapToLong(Result::images)
                        .max()
                        .orElse(0),
                (System.nanoTime() - start) / 1e9);
        return verdicts;
    }

    /** Means per method and target, computed by Spark. */
    static Map<String, Verdict> verdicts(Dataset<Row> rows, List<String> steps) {
        List<Column> means = new ArrayList<>();
        for (int k = 0; k < steps.size(); k++) {
            means.add(avg(element_at(SanityTable.CASCADE_SPEARMAN.col(), k + 1)).alias("step_" + k));
        }
        means.add(avg(SanityTable.RANDOM_LOGIT_SPEARMAN.col()).alias("random_logit"));
        List<Row> grouped = rows.groupBy(SanityTable.METHOD.col(), SanityTable.TARGET.col())
                .agg(count(lit(1)).alias("images"), means.toArray(new Column[0]))
                .orderBy(SanityTable.METHOD.col(), SanityTable.TARGET.col())
                .collectAsList();
        Map<String, Verdict> verdicts = new LinkedHashMap<>();
        for (Row r : grouped) {
            double[] cascade = new double[steps.size()];
            for (int k = 0; k < cascade.length; k++) {
                cascade[k] = doubleOrNaN(r, "step_" + k);
            }
            double last = cascade[cascade.length - 1];
            Result result = new Result(
                    r.getString(0),
                    TargetMode.parse(r.getString(1)),
                    steps,
                    cascade,
                    doubleOrNaN(r, "random_logit"),
                    r.getLong(2),
                    SanityCheck.passes(last));
            verdicts.computeIfAbsent(result.method(), m -> new Verdict(m, new LinkedHashMap<>()))
                    .byTarget()
                    .put(result.target(), result);
        }
        return verdicts;
    }

    /** The checks of a group's method and target; null when they did not cover it. */
    public static Result of(Map<String, Verdict> verdicts, MetricsAggregator.MethodMetrics group) {
        Verdict v = verdicts.get(group.method());
        return v == null ? null : v.byTarget().get(group.target());
    }

    /** The verdict for a group's method and target; null when the checks did not cover it. */
    public static Boolean passed(Map<String, Verdict> verdicts, MetricsAggregator.MethodMetrics group) {
        Result r = of(verdicts, group);
        return r == null ? null : r.passed();
    }

    private static double doubleOrNaN(Row r, String field) {
        Object v = r.getAs(field);
        return v == null ? Double.NaN : ((Number) v).doubleValue();
    }
}
