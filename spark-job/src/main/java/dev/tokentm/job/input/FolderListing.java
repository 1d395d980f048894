package dev.tokentm.job.input;

import dev.tokentm.udfs.table.ColumnNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;

/**
 * The image files under a folder, as a one-column ({@code path}) frame. The driver lists only the
 * top level (the files there stay in its memory); every subfolder (a class, in ImageFolder layout) is
 * listed recursively by an executor task, as Spark's parallel partition discovery does, so with
 * class folders neither the driver's memory nor the tasks' size grows with the number of images (a
 * driver-side list of 1M paths took 0.56 GB of its heap).
 * Hadoop listing rather than Spark's binaryFile source, which drops empty files silently: here they
 * reach the executors and come back as error rows.
 */
final class FolderListing {

    /** File names kept: image extensions, no hidden files. */
    static final Pattern IMAGE_FILE = Pattern.compile("(?i)^[^._].*\\.(png|jpe?g|bmp|gif|tiff?|webp)$");

    private static final StructType SCHEMA = new StructType().add(ColumnNames.PATH, DataTypes.StringType, false);

    private FolderListing() {}

    /** @param root a qualified folder location (local, {@code hdfs://}, {@code s3a://}) */
    static Dataset<Row> images(SparkSession spark, String root, Configuration hadoop) {
        List<String> files = new ArrayList<>();
        List<String> folders = new ArrayList<>();
        Path dir = new Path(root);
        try {
            for (FileStatus s : dir.getFileSystem(hadoop).listStatus(dir)) {
                if (s.isDirectory()) {
                    if (!hidden(s.getPath())) {
                        folders.add(s.getPath().toString());
                    }
                } else if (IMAGE_FILE.matcher(s.getPath().getName()).matches()) {
                    files.add(s.getPath().toString());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root + ": " + e.getMessage(), e);
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        JavaRDD<String> paths = jsc.parallelize(files, 1);
        if (!folders.isEmpty()) {
            Broadcast<SerializableConfiguration> conf = jsc.broadcast(new SerializableConfiguration(hadoop));
            int tasks = Math.min(folders.size(), 4 * jsc.defaultParallelism());
            paths = paths.union(jsc.parallelize(folders, tasks).flatMap(new ListRecursively(conf)));
        }
        return spark.createDataFrame(paths.map(RowFactory::create), SCHEMA);
    }

    /**
     * Folders skipped, as Spark's file sources skip them: hidden or underscore names
     * ({@code .ipynb_checkpoints}, {@code _temporary}).
     */
    private static boolean hidden(Path folder) {
        return folder.getName().startsWith(".") || folder.getName().startsWith("_");
    }

    /**
     * Executor side: the image files anywhere under one folder, streamed folder by folder. Plain
     * {@code listStatusIterator} rather than {@code listFiles(recursive)}: on the local file system the
     * latter builds a {@code LocatedFileStatus} per file, which forks {@code ls} for its permissions
     * (200,000 files took minutes).
     */
    private record ListRecursively(Broadcast<SerializableConfiguration> conf)
            implements FlatMapFunction<String, String> {

        @Override
        public Iterator<String> call(String folder) throws IOException {
            Path top = new Path(folder);
            FileSystem fs = top.getFileSystem(conf.value().value());
            Deque<RemoteIterator<FileStatus>> open = new ArrayDeque<>();
            open.push(fs.listStatusIterator(top));
            return new Iterator<>() {
                private String next = advance();

                private String advance() {
                    try {
                        while (!open.isEmpty()) {
                            if (!open.peek().hasNext()) {
                                open.pop();
                                continue;
                            }
                            FileStatus status = open.peek().next();
                            if (status.isDirectory()) {
                                if (!hidden(status.getPath())) {
                                    open.push(fs.listStatusIterator(status.getPath()));
                                }
                            } else if (IMAGE_FILE
                                    .matcher(status.getPath().getName())
                                    .matches()) {
                                return status.getPath().toString();
                            }
                        }
                        return null;
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot list " + folder + ": " + e.getMessage(), e);
                    }
                }

                @Override
                public boolean hasNext() {
                    return next != null;
                }

                @Override
                public String next() {
                    if (next == null) {
                        throw new NoSuchElementException();
                    }
                    String current = next;
                    next = advance();
                    return current;
                }
            };
        }
    }
}
