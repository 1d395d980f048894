package dev.tokentm.job.output;

import dev.tokentm.job.aggregate.MetricsAggregator.MethodMetrics;
import dev.tokentm.udfs.io.Storage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * A run's output directory (local, hdfs://, s3a://): {@code images/} (per image and method,
 * appended by every run), {@code metrics/} (dataset metrics per method, rewritten at the end of
 * every run) and {@code summary.json}.
 *
 * <p>Resuming: {@code images/} is written with Hadoop's version-2 file committer, so each finished
 * task's files are moved into place when the task commits. A killed job keeps every finished
 * partition, and all rows of one image are written by the same task, so an image is either
 * wholly there or absent; the next run skips images whose id is already there.
 */
public final class RunOutput {

    /** Where the commands write and read a run when no {@code --output} is given. */
    public static final String DEFAULT_LOCATION = "tokentm-output";

    private final SparkSession spark;
    private final String root;

    public RunOutput(SparkSession spark, String root) {
        this.spark = spark;
        this.root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
    }

    public String root() {
        return root;
    }

    public String images() {
        return root + "/images";
    }

    public String metrics() {
        return root + "/metrics";
    }

    public String summary() {
        return root + "/summary.json";
    }

    public String report() {
        return root + "/report.html";
    }

    /** Whether a previous run left rows. */
    public boolean hasImages() {
        try {
            Path dir = new Path(images());
            FileSystem fs = dir.getFileSystem(hadoop());
            if (!fs.exists(dir)) {
                return false;
            }
            for (FileStatus s : fs.listStatus(dir)) {
                if (s.isFile() && s.getPath().getName().endsWith(".parquet")) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + images() + ": " + e.getMessage(), e);
        }
    }

    /** Every row written so far (all runs). */
    public Dataset<Row> readImages() {
        return spark.read().parquet(images());
    }

    /** Appends rows; each task's files are committed when the task ends. */
    public void appendImages(Dataset<Row> rows) {
        rows.write()
                .mode(SaveMode.Append)
                .option("mapreduce.fileoutputcommitter.algorithm.version", "2")
                .parquet(images());
    }

    /** Replaces the dataset metrics table. */
    public void writeMetrics(List<MethodMetrics> metrics) {
        spark.createDataFrame(MetricsTable.rows(metrics), MetricsTable.schema())
                .coalesce(1)
                .write()
                .mode(SaveMode.Overwrite)
                .parquet(metrics());
    }

    /** Replaces {@code summary.json}. */
    public void writeSummary(RunSummary summary) {
        writeText(summary(), summary.toJson());
    }

    /** The summary of the last run. */
    public RunSummary readSummary() {
        return RunSummary.parse(new String(Storage.readAll(summary()), StandardCharsets.UTF_8));
    }

    /** Replaces {@code report.html}. */
    public void writeReport(String html) {
        writeText(report(), html);
    }

    private void writeText(String location, String text) {
        Path path = new Path(location);
        try (OutputStream out = path.getFileSystem(hadoop()).create(path, true)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path + ": " + e.getMessage(), e);
        }
    }

    private Configuration hadoop() {
        return spark.sparkContext().hadoopConfiguration();
    }
}
