package dev.tokentm.job.cli;

import dev.tokentm.job.aggregate.Bootstrap;
import dev.tokentm.job.audit.AuditSettings;
import dev.tokentm.job.input.ImageInputs;
import dev.tokentm.job.input.InputSpec;
import dev.tokentm.job.output.AuditSummary;
import dev.tokentm.job.output.RunOutput;
import dev.tokentm.job.output.RunSummary;
import dev.tokentm.job.report.HtmlReport;
import dev.tokentm.job.run.AuditStage;
import dev.tokentm.udfs.runtime.DjlRuntime;
import dev.tokentm.udfs.spark.ExplainSettings;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The dataset audit of a finished run's output. */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Audit what the model bases its decisions on, per class, from a run's heatmaps: cluster each class's "
                    + "maps into strategies, flag shortcut candidates (a fixed region, relevance off the object), "
                    + "test each causally by removing its region, count right-for-the-wrong-reasons predictions.",
            "Writes <output>/audit/, the summary's audit section and the report."
        })
public final class AuditCommand implements Callable<Integer> {

    @Option(names = "--output", description = "The run's output directory. Default: ${DEFAULT-VALUE}.")
    String output = RunOutput.DEFAULT_LOCATION;

    @Option(
            names = "--input",
            description = "Where the run's images are, if not where its summary says (the causal tests read them).")
    String input;

    @Option(
            names = "--batch-size",
            description = "Images per forward pass in the causal tests. Default: ${DEFAULT-VALUE}.")
    int batchSize = ExplainSettings.defaults().batchSize();

    @Option(
            names = "--bootstrap",
            description = "Bootstrap replicates of the causal tests' intervals (0: 1000). Default: the run's.")
    Integer bootstrap;

    @Option(
            names = "--report",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Rewrite report.html (--no-report to skip). Default: ${DEFAULT-VALUE}.")
    boolean report;

    @Mixin
    AuditOptions audit;

    @Mixin
    SparkOptions sparkOptions;

    @Override
    public Integer call() throws Exception {
        try (SparkSession spark = sparkOptions.open("tokentm audit")) {
            RunOutput out = new RunOutput(spark, output);
            if (!out.hasImages()) {
                throw new IllegalArgumentException(
                        "no run's output in " + output + " (explain first, or name it with" + " --output)");
            }
            RunSummary summary = out.readSummary();
            int replicates = bootstrap != null ? bootstrap : summary.bootstrapReplicates();
            AuditSettings settings = audit.settings(new Bootstrap(replicates, summary.seed()));
            DjlRuntime.configure();
            Dataset<Row> images = ImageInputs.read(
                    spark, InputSpec.of(input == null ? summary.input() : input), summary.classNames());
            AuditSummary result = AuditStage.run(
                    spark,
                    out,
                    images,
                    AuditStage.regionTest(
                            summary.model(), null, summary.classNames(), batchSize, summary.seed(), settings),
                    settings,
                    summary.classNames(),
                    System.out);
            out.writeSummary(summary.withAudit(result));
            if (report) {
                System.out.println("report: " + HtmlReport.write(spark, out));
            }
        }
        return 0;
    }
}
