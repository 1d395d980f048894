package dev.tokentm.job.sql;

import dev.tokentm.job.aggregate.Bootstrap;
import dev.tokentm.job.aggregate.MetricsAggregator;
import dev.tokentm.job.output.MetricsTable;
import dev.tokentm.job.output.RunOutput;
import dev.tokentm.udfs.spark.ExplainSettings;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;

/**
 * {@code tokentm_metrics(source, seed => 0, bootstrap => 1000)}: the dataset metrics with their 95% intervals,
 * one row per method and explained class, as a run's {@code metrics/} holds them. {@code source} is a table or
 * view of explained rows (what {@code tokentm_explain} returns), aggregated here as the job aggregates its
 * rows (the Poisson bootstrap seeded by {@code seed} and each image's id), or a run's output location, whose
 * {@code metrics/} is read. Aggregating runs the table's query when this function's query is analysed. Sanity
 * verdicts come only from a run's output (the checks are a stage of the job of their own).
 */
final class MetricsFunction {

    static final String NAME = "tokentm_metrics";

    static final List<String> PARAMETERS = List.of("source", "seed", "bootstrap");

    private MetricsFunction() {}

    static LogicalPlan build(scala.collection.immutable.Seq<Expression> arguments) {
        SqlArguments a = new SqlArguments(NAME, PARAMETERS, arguments);
        SparkSession spark = SparkSession.active();
        String source = a.required("source");
        Bootstrap defaults = Bootstrap.defaults();
        Bootstrap bootstrap = new Bootstrap(
                Math.toIntExact(a.number("bootstrap", defaults.replicates())),
                a.number("seed", ExplainSettings.defaults().seed()));
        if (Tables.exists(spark, source)) {
            List<MetricsAggregator.MethodMetrics> metrics = MetricsAggregator.aggregate(
                    spark.table(source), ExplainSettings.defaults().fractions(), bootstrap);
            return Tables.plan(spark.createDataFrame(MetricsTable.rows(metrics), MetricsTable.schema()));
        }
        RunOutput output = new RunOutput(spark, source);
        Dataset<Row> metrics;
        try {
            metrics = spark.read().parquet(output.metrics());
        } catch (Exception e) { // Spark's AnalysisException (no such path) is a checked exception
            throw a.bad("no table or view named '" + source + "', and no run's metrics at " + output.metrics());
        }
        return Tables.plan(metrics);
    }
}
