package dev.tokentm.job.cli;

import dev.tokentm.job.output.RunOutput;
import dev.tokentm.job.report.HtmlReport;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Writes {@code report.html} for a run's output directory. */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description = "Write a self-contained HTML report (metrics, curves, heatmap overlays, audit, per class) "
                + "for the output of 'tokentm explain'.")
public final class ReportCommand implements Callable<Integer> {

    @Option(
            names = "--output",
            defaultValue = RunOutput.DEFAULT_LOCATION,
            description = "The run's output directory. Default: ${DEFAULT-VALUE}.")
    String output;

    @Option(
            names = "--samples",
            defaultValue = "" + HtmlReport.SAMPLES,
            description = "Images in the side-by-side grid. Default: ${DEFAULT-VALUE}.")
    int samples;

    @Option(
            names = "--audit",
            defaultValue = "" + HtmlReport.AUDIT,
            description = "Images in the audit view. Default: ${DEFAULT-VALUE}.")
    int audit;

    @Option(names = "--audit-method", description = "Method whose heatmaps the audit ranks. Default: ${DEFAULT-VALUE}.")
    String auditMethod = HtmlReport.AUDIT_METHOD;

    @Mixin
    SparkOptions sparkOptions;

    @Override
    public Integer call() throws Exception {
        try (SparkSession spark = sparkOptions.open("tokentm report")) {
            System.out.println(
                    "report: " + HtmlReport.write(spark, new RunOutput(spark, output), samples, audit, auditMethod));
        }
        return 0;
    }
}
