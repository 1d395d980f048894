package dev.tokentm.job.output;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import dev.tokentm.job.aggregate.Comparisons;
import dev.tokentm.job.aggregate.MetricAgreement;
import dev.tokentm.udfs.metrics.Protocol;
import java.util.List;

/**
 * {@code <output>/summary.json}: what a run was asked to do, what it did, and every method's dataset
 * metrics (the scalar columns of {@link MetricsTable}). Written by the job, read by the report.
 *
 * @param input the corpus location
 * @param output the output directory
 * @param model the checkpoint location (empty: the embedded model)
 * @param methods the explainers
 * @param targets the explained classes ({@code predicted}, {@code label})
 * @param classNames the model's class names, by index
 * @param imagesInInput distinct images in the input
 * @param imagesSkippedAsDone images a previous run had finished
 * @param imagesExplained images explained by this run
 * @param imagesFailed images with an error row, all runs
 * @param seconds this run's explaining time
 * @param imagesPerSecond explained images per second of that time
 * @param protocols the faithfulness protocols measured
 * @param seed the seed of every random draw
 * @param bootstrapReplicates replicates behind every {@code _ci95} interval (0: none)
 * @param metrics one per method and target: the metrics table's scalar columns with their intervals,
 *     and the sanity checks where they ran
 * @param comparisons every method against the reference (TokenTM), per target and metric
 * @param metricAgreement Kendall's τ between the method rankings of each pair of metrics
 * @param audit the dataset audit; null when none ran
 */
public record RunSummary(
        String input,
        String output,
        String model,
        List<String> methods,
        List<String> targets,
        List<String> classNames,
        long imagesInInput,
        long imagesSkippedAsDone,
        long imagesExplained,
        long imagesFailed,
        double seconds,
        double imagesPerSecond,
        List<String> protocols,
        long seed,
        int bootstrapReplicates,
        List<MethodSummary> metrics,
        List<Comparisons.Comparison> comparisons,
        List<MetricAgreement.Agreement> metricAgreement,
        AuditSummary audit) {

    /** Summaries written before a field existed read it as empty. */
    public RunSummary {
        protocols = protocols == null ? List.of(Protocol.ZERO.label()) : protocols;
        comparisons = comparisons == null ? List.of() : comparisons;
        metricAgreement = metricAgreement == null ? List.of() : metricAgreement;
    }

    /** The same run with this audit. */
    public RunSummary withAudit(AuditSummary a) {
        return new RunSummary(
                input,
                output,
                model,
                methods,
                targets,
                classNames,
                imagesInInput,
                imagesSkippedAsDone,
                imagesExplained,
                imagesFailed,
                seconds,
                imagesPerSecond,
                protocols,
                seed,
                bootstrapReplicates,
                metrics,
                comparisons,
                metricAgreement,
                a);
    }

    private static final Gson GSON = new GsonBuilder()
            .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
            .registerTypeAdapterFactory(MethodSummary.JSON)
            .setPrettyPrinting()
            .serializeNulls()
            .create();

    public String toJson() {
        return GSON.toJson(this) + "\n";
    }

    public static RunSummary parse(String json) {
        return GSON.fromJson(json, RunSummary.class);
    }
}
