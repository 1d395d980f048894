package dev.tokentm.job.output;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.SerializableConfiguration;

/** The files of an output folder that Spark would read but that are not readable Parquet. */
final class DamagedFiles {

    /** One unreadable file and why. */
    record Damaged(String path, String reason) implements java.io.Serializable {}

    private DamagedFiles() {}

    /** Checks every data file's Parquet footer in Spark tasks; files Spark skips (_*, .*) are not data. */
    static List<Damaged> find(SparkSession spark, String folder, Configuration hadoop) {
        List<String> files = new ArrayList<>();
        Path dir = new Path(folder);
        try {
            FileSystem fs = dir.getFileSystem(hadoop);
            if (!fs.exists(dir)) {
                return List.of();
            }
            for (FileStatus s : fs.listStatus(dir)) {
                String name = s.getPath().getName();
                if (s.isFile() && !name.startsWith("_") && !name.startsWith(".")) {
                    files.add(s.getPath().toString());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder + ": " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            return List.of();
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<SerializableConfiguration> conf = jsc.broadcast(new SerializableConfiguration(hadoop));
        int tasks = Math.min(files.size(), 4 * jsc.defaultParallelism());
        return jsc.parallelize(files, tasks)
                .map(file -> check(file, conf.value().value()))
                .filter(d -> d != null)
                .collect();
    }

    /** Null when the file's footer reads, else why not. */
    private static Damaged check(String file, Configuration hadoop) {
        if (!file.endsWith(".parquet")) {
            return new Damaged(file, "not a Parquet file of this job");
        }
        Path path = new Path(file);
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(path, hadoop))) {
            reader.getFooter();
            return null;
        } catch (IOException | RuntimeException e) {
            return new Damaged(file, "unreadable Parquet: " + e.getMessage());
        }
    }
}
