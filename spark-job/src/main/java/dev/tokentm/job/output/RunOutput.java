package dev.tokentm.job.output;

import static dev.tokentm.udfs.table.ImageTable.IMAGE_ID;
import static dev.tokentm.udfs.table.ImageTable.METHOD;
import static dev.tokentm.udfs.table.ImageTable.TARGET;

import dev.tokentm.job.aggregate.MetricsAggregator.MethodMetrics;
import dev.tokentm.udfs.io.Storage;
import dev.tokentm.udfs.table.ImageTable;
import dev.tokentm.udfs.table.SanityTable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

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

    public String sanity() {
        return root + "/sanity";
    }

    /** Replaces the sanity checks' table. */
    public void writeSanity(Dataset<Row> rows) {
        rows.write().mode(SaveMode.Overwrite).parquet(sanity());
    }

    public Dataset<Row> readSanity() {
        return spark.read().schema(SanityTable.schema()).parquet(sanity());
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

    /**
     * Every row written so far (all runs), one per {@code (image_id, method, target)}: a retried or
     * speculative task attempt whose files were committed twice, or a part file copied by hand, can
     * never count an image twice. Error rows (no method) are one per image.
     */
    public Dataset<Row> readImages() {
        return spark.read()
                .schema(ImageTable.schema())
                .parquet(images())
                .dropDuplicates(IMAGE_ID.name(), METHOD.name(), TARGET.name());
    }

    /**
     * Every row written so far as the files hold them, a retried task's rows possibly twice: for readers
     * that filter and project first and keep one row per key themselves (cheaper than {@link
     * #readImages()}'s shuffle of every column).
     */
    public Dataset<Row> readImageFiles() {
        return spark.read().schema(ImageTable.schema()).parquet(images());
    }

    /** Takes the output for this run; see {@link RunLock}. */
    public RunLock lock(Consumer<String> takenOver) {
        return RunLock.acquire(root, hadoop(), takenOver);
    }

    /**
     * Moves the files of {@code images/} that are not readable Parquet (truncated by a crash, or put
     * there by something else) to {@code <output>/damaged/}, so that reading and resuming skip them;
     * their images count as not done and are explained again. Footers are checked by Spark tasks, so
     * a large output is checked in parallel.
     *
     * @return one line per file moved: its name and why
     */
    public List<String> setAsideDamaged() {
        List<String> moved = new ArrayList<>();
        for (DamagedFiles.Damaged d : DamagedFiles.find(spark, images(), hadoop())) {
            Path from = new Path(d.path());
            Path to = new Path(root + "/damaged/" + from.getName());
            try {
                FileSystem fs = from.getFileSystem(hadoop());
                fs.mkdirs(to.getParent());
                if (!fs.rename(from, to)) {
                    throw new IOException("rename to " + to + " failed");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot move the damaged file " + from + " aside: " + e.getMessage(), e);
            }
            moved.add(from.getName() + " (" + d.reason() + ") -> " + to);
        }
        return moved;
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

    /** Where the audit's table {@code name} lives: {@code <output>/audit/<name>}. */
    public String audit(String name) {
        return root + "/audit/" + name;
    }

    /** Replaces an audit table with these rows. */
    public void writeAudit(String name, List<Row> rows, StructType schema) {
        spark.createDataFrame(rows, schema)
                .coalesce(1)
                .write()
                .mode(SaveMode.Overwrite)
                .parquet(audit(name));
    }

    /** Replaces an audit table with a Spark dataset, and reads it back (so what made it runs once). */
    public Dataset<Row> writeAudit(String name, Dataset<Row> rows) {
        rows.write().mode(SaveMode.Overwrite).parquet(audit(name));
        return spark.read().schema(rows.schema()).parquet(audit(name));
    }

    /** Reads an audit table; null when the output has none. */
    public Dataset<Row> readAudit(String name, StructType schema) {
        try {
            Path dir = new Path(audit(name));
            if (!dir.getFileSystem(hadoop()).exists(dir)) {
                return null;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + audit(name) + ": " + e.getMessage(), e);
        }
        return spark.read().schema(schema).parquet(audit(name));
    }

    /** Replaces {@code summary.json}. */
    public void writeSummary(RunSummary summary) {
        writeText(summary(), summary.toJson());
    }

    /** The summary of the last run. */
    public RunSummary readSummary() {
        return RunSummary.parse(new String(Storage.readAll(summary()), StandardCharsets.UTF_8));
    }

    /** Where {@code tokentm study} writes its table. */
    public String study() {
        return root + "/study.md";
    }

    /** Replaces {@code study.md}. */
    public void writeStudy(String markdown) {
        writeText(study(), markdown);
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
