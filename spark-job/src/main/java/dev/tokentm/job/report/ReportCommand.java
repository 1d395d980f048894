package dev.tokentm.job.report;

import dev.tokentm.job.cli.SparkSessions;
import dev.tokentm.job.output.RunOutput;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
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
            defaultValue = "tokentm-output",
            description = "The run's output directory. Default: ${DEFAULT-VALUE}.")
    String output;

    @Option(
            names = "--samples",
            defaultValue = "8",
            description = "Images in the side-by-side grid. Default: ${DEFAULT-VALUE}.")
    int samples;

    @Option(names = "--audit", defaultValue = "8", description = "Images in the audit view. Default: ${DEFAULT-VALUE}.")
    int audit;

    @Option(
            names = "--audit-method",
            defaultValue = "tokentm",
            description = "Method whose heatmaps the audit ranks. Default: ${DEFAULT-VALUE}.")
    String auditMethod;

    @Override
    public Integer call() throws Exception {
        try (SparkSession spark = SparkSessions.open("tokentm report", "local[*]")) {
            System.out.println("report: " + write(spark, new RunOutput(spark, output), samples, audit, auditMethod));
        }
        return 0;
    }

    /** Writes the report into the output directory and returns its location. */
    public static String write(SparkSession spark, RunOutput output, int samples, int audit, String auditMethod) {
        output.writeReport(ReportPage.render(RunResults.load(spark, output, samples, audit, auditMethod)));
        return output.report();
    }
}
