package dev.tokentm.job.aggregate;

import static dev.tokentm.udfs.table.ImageTable.AOPC;
import static dev.tokentm.udfs.table.ImageTable.ERROR;
import static dev.tokentm.udfs.table.ImageTable.LABEL;
import static dev.tokentm.udfs.table.ImageTable.LOG_ODDS;
import static dev.tokentm.udfs.table.ImageTable.METHOD;
import static dev.tokentm.udfs.table.ImageTable.NEGATIVE_CORRECT;
import static dev.tokentm.udfs.table.ImageTable.POSITIVE_CORRECT;
import static dev.tokentm.udfs.table.ImageTable.SEG_AP;
import static dev.tokentm.udfs.table.ImageTable.SEG_CORRECT;
import static dev.tokentm.udfs.table.ImageTable.SEG_INTERSECTION;
import static dev.tokentm.udfs.table.ImageTable.SEG_LABELED;
import static dev.tokentm.udfs.table.ImageTable.SEG_UNION;
import static dev.tokentm.udfs.table.ImageTable.TARGET;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.tokentm.udfs.metrics.DatasetMetrics;
import dev.tokentm.udfs.metrics.FaithfulnessTotals;
import dev.tokentm.udfs.table.ImageTable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Dataset-level metrics per method and explained-class mode from {@link ImageTable}: Spark
 * sums the per-image counts in one aggregation (error rows left out), and the driver turns each
 * group's sums into {@link DatasetMetrics} with the same formulas as the in-memory path.
 */
public final class MetricsAggregator {

    /** One group's result. */
    public record MethodMetrics(String method, String target, DatasetMetrics metrics) {}

    private MetricsAggregator() {}

    /**
     * @param fractions the perturbation steps every row was measured at, starting at 0
     */
    public static List<MethodMetrics> aggregate(Dataset<Row> rows, double[] fractions) {
        int steps = fractions.length;
        List<Column> sums = new ArrayList<>();
        sums.add(sum(when(LABEL.col().geq(0), 1).otherwise(0)).alias("labeled_images"));
        for (int k = 0; k < steps; k++) {
            sums.add(sum(when(element_at(POSITIVE_CORRECT.col(), k + 1), 1).otherwise(0))
                    .alias("positive_" + k));
            sums.add(sum(when(element_at(NEGATIVE_CORRECT.col(), k + 1), 1).otherwise(0))
                    .alias("negative_" + k));
        }
        sums.add(sum(AOPC.col()).alias("aopc_sum"));
        sums.add(sum(LOG_ODDS.col()).alias("log_odds_sum"));
        sums.add(count(SEG_AP.col()).alias("segmented"));
        sums.add(sum(SEG_CORRECT.col()).alias("seg_correct"));
        sums.add(sum(SEG_LABELED.col()).alias("seg_labeled"));
        for (int c = 0; c < 2; c++) {
            sums.add(sum(element_at(SEG_INTERSECTION.col(), c + 1)).alias("inter_" + c));
            sums.add(sum(element_at(SEG_UNION.col(), c + 1)).alias("union_" + c));
        }
        sums.add(sum(SEG_AP.col()).alias("ap_sum"));
        Dataset<Row> grouped = rows.where(ERROR.col().isNull().and(METHOD.col().isNotNull()))
                .groupBy(METHOD.col(), TARGET.col())
                .agg(count(lit(1)).alias("images"), sums.toArray(new Column[0]))
                .orderBy(METHOD.col(), TARGET.col());

        List<MethodMetrics> result = new ArrayList<>();
        for (Row r : grouped.collectAsList()) {
            long[] positive = new long[steps];
            long[] negative = new long[steps];
            for (int k = 0; k < steps; k++) {
                positive[k] = longOrZero(r, "positive_" + k);
                negative[k] = longOrZero(r, "negative_" + k);
            }
            FaithfulnessTotals totals = new FaithfulnessTotals(
                    fractions.clone(),
                    longOrZero(r, "images"),
                    longOrZero(r, "labeled_images"),
                    positive,
                    negative,
                    doubleOrZero(r, "aopc_sum"),
                    doubleOrZero(r, "log_odds_sum"),
                    longOrZero(r, "segmented"),
                    longOrZero(r, "seg_correct"),
                    longOrZero(r, "seg_labeled"),
                    new long[] {longOrZero(r, "inter_0"), longOrZero(r, "inter_1")},
                    new long[] {longOrZero(r, "union_0"), longOrZero(r, "union_1")},
                    doubleOrZero(r, "ap_sum"));
            result.add(new MethodMetrics(r.getAs(METHOD.name()), r.getAs(TARGET.name()), DatasetMetrics.of(totals)));
        }
        return result;
    }

    private static long longOrZero(Row r, String field) {
        Object v = r.getAs(field);
        return v == null ? 0 : ((Number) v).longValue();
    }

    private static double doubleOrZero(Row r, String field) {
        Object v = r.getAs(field);
        return v == null ? 0 : ((Number) v).doubleValue();
    }
}
