package dev.tokentm.job.aggregate;

import static dev.tokentm.udfs.table.ImageTable.ERROR;
import static dev.tokentm.udfs.table.ImageTable.METHOD;
import static dev.tokentm.udfs.table.ImageTable.TARGET;

import dev.tokentm.udfs.metrics.TargetMode;
import dev.tokentm.udfs.table.ImageTable;
import dev.tokentm.udfs.table.OutputColumn;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Aggregator;
import scala.Tuple2;

/**
 * Dataset-level metrics per method and explained-class mode from {@link ImageTable}, with their
 * bootstrap replicates: one Spark aggregation sums {@link ImageSums} per group, with weight 1 and
 * with each replicate's Poisson weights ({@link Bootstrap}), partition by partition; the driver
 * receives one set of sums per group (never per-image rows) and turns them into {@link
 * DatasetMetrics} with the same code as an in-memory pass.
 */
public final class MetricsAggregator {

    /**
     * One group's result.
     *
     * @param replicates the metrics of each bootstrap replicate (scalars only), empty without a
     *     bootstrap
     * @param sanityPassed the sanity checks' verdict, null when they did not run
     */
    public record MethodMetrics(
            MethodTarget key, DatasetMetrics metrics, List<DatasetMetrics> replicates, Boolean sanityPassed) {

        public MethodMetrics {
            replicates = List.copyOf(replicates);
        }

        public String method() {
            return key.method();
        }

        public TargetMode target() {
            return key.target();
        }

        /** The same metrics with a sanity verdict. */
        public MethodMetrics withSanity(Boolean passed) {
            return new MethodMetrics(key, metrics, replicates, passed);
        }

        /** The 95% percentile interval of a metric over the replicates. */
        public Interval ci95(ToDoubleFunction<DatasetMetrics> metric) {
            return Interval.percentile(replicates.stream().mapToDouble(metric).toArray(), 0.95);
        }
    }

    private MetricsAggregator() {}

    /**
     * @param fractions the perturbation steps every row was measured at, starting at 0
     */
    public static List<MethodMetrics> aggregate(Dataset<Row> rows, double[] fractions, Bootstrap bootstrap) {
        List<Column> input = new ArrayList<>(List.of(METHOD.col(), TARGET.col()));
        for (OutputColumn<ImageTable.Entry> c : ImageSums.INPUT) {
            input.add(c.col());
        }
        Dataset<Tuple2<Tuple2<String, String>, Bootstrap.Sums>> grouped = rows.where(
                        ERROR.col().isNull().and(METHOD.col().isNotNull()))
                .select(input.toArray(new Column[0]))
                .groupByKey(
                        (MapFunction<Row, Tuple2<String, String>>)
                                r -> new Tuple2<>(r.getAs(METHOD.name()), r.getAs(TARGET.name())),
                        Encoders.tuple(Encoders.STRING(), Encoders.STRING()))
                .agg(new SumsAggregator(bootstrap, fractions.length).toColumn());
        List<MethodMetrics> result = new ArrayList<>();
        for (Tuple2<Tuple2<String, String>, Bootstrap.Sums> g : grouped.collectAsList()) {
            result.add(of(MethodTarget.of(g._1()._1(), g._1()._2()), g._2(), fractions));
        }
        result.sort(Comparator.comparing(MethodMetrics::key));
        return result;
    }

    /** The metrics of one group's sums, the same for Spark and in-memory sums. */
    public static MethodMetrics of(MethodTarget key, Bootstrap.Sums sums, double[] fractions) {
        List<DatasetMetrics> replicates = new ArrayList<>(sums.replicateCount());
        for (int r = 0; r < sums.replicateCount(); r++) {
            replicates.add(sums.replicate(r));
        }
        return new MethodMetrics(key, sums.metrics(fractions), replicates, null);
    }

    /** Spark's side of {@link Bootstrap.Sums}: partial sums per partition, merged per group. */
    private static final class SumsAggregator extends Aggregator<Row, Bootstrap.Sums, Bootstrap.Sums> {
        private final Bootstrap bootstrap;
        private final int steps;

        SumsAggregator(Bootstrap bootstrap, int steps) {
            this.bootstrap = bootstrap;
            this.steps = steps;
        }

        @Override
        public Bootstrap.Sums zero() {
            return bootstrap.sums(steps);
        }

        @Override
        public Bootstrap.Sums reduce(Bootstrap.Sums sums, Row row) {
            return sums.add(row);
        }

        @Override
        public Bootstrap.Sums merge(Bootstrap.Sums a, Bootstrap.Sums b) {
            return a.merge(b);
        }

        @Override
        public Bootstrap.Sums finish(Bootstrap.Sums sums) {
            return sums;
        }

        @Override
        public Encoder<Bootstrap.Sums> bufferEncoder() {
            return Encoders.javaSerialization(Bootstrap.Sums.class);
        }

        @Override
        public Encoder<Bootstrap.Sums> outputEncoder() {
            return Encoders.javaSerialization(Bootstrap.Sums.class);
        }
    }
}
