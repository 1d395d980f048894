package dev.tokentm.job.report;

import dev.tokentm.job.output.RunOutput;
import dev.tokentm.udfs.explain.ExplainerRegistry;
import org.apache.spark.sql.SparkSession;

/** The HTML report of a run's output: read with Spark ({@link RunResults}), rendered by {@link ReportPage}. */
public final class HtmlReport {

    /** Images in the side-by-side grid, by default. */
    public static final int SAMPLES = 8;

    /** Images in the audit view, by default. */
    public static final int AUDIT = 8;

    /** The method whose heatmaps the audit view ranks, by default. */
    public static final String AUDIT_METHOD = ExplainerRegistry.REFERENCE;

    private HtmlReport() {}

    /** The report with the default grid sizes and audit method. */
    public static String write(SparkSession spark, RunOutput output) {
        return write(spark, output, SAMPLES, AUDIT, AUDIT_METHOD);
    }

    /**
     * Writes {@code report.html} into the output directory.
     *
     * @param samples images in the side-by-side grid
     * @param audit images in the audit view
     * @param auditMethod the method whose relevance outside the object ranks the audit view
     * @return the report's location
     */
    public static String write(SparkSession spark, RunOutput output, int samples, int audit, String auditMethod) {
        output.writeReport(ReportPage.render(RunResults.load(spark, output, samples, audit, auditMethod)));
        return output.report();
    }
}
