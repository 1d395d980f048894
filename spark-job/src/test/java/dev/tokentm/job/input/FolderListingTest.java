package dev.tokentm.job.input;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A folder's listing has every image file at any depth, once, empty files included, hidden and
 * {@code _} files and folders left out, with subfolders listed by executor tasks, one per
 * subfolder.
 */
class FolderListingTest {

    private static SparkSession spark;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder()
                .master("local[2]")
                .appName("folder-listing-test")
                .config("spark.ui.enabled", "false")
                .getOrCreate();
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    @Test
    void listsImagesAtAnyDepthIncludingEmptyOnes() throws Exception {
        List<String> images = List.of("top.png", "shirt/a.png", "shirt/deep/er/b.JPG", "shoe/c.jpeg", "shoe/empty.png");
        List<String> others = List.of(
                ".hidden.png",
                "notes.txt",
                "shirt/_SUCCESS",
                "shirt/.d.png",
                "shoe/x.parquet",
                ".ipynb_checkpoints/e.png",
                "shirt/_temporary/0/f.png");
        for (String f : Stream.concat(images.stream(), others.stream()).toList()) {
            Path p = tmp.resolve(f);
            Files.createDirectories(p.getParent());
            Files.write(p, f.endsWith("empty.png") ? new byte[0] : new byte[] {1, 2, 3});
        }
        Files.createDirectories(tmp.resolve("bag")); // an empty class folder

        String root = "file:" + tmp; // qualified, as ImageInputs passes it
        Dataset<Row> listed =
                FolderListing.images(spark, root, spark.sparkContext().hadoopConfiguration());

        List<String> paths =
                listed.collectAsList().stream().map(r -> r.getString(0)).toList();
        Set<String> expected =
                images.stream().map(f -> "file:" + tmp.resolve(f)).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(expected, new TreeSet<>(paths));
        assertEquals(images.size(), paths.size(), "each file once");
        // One task for the top level and one per subfolder (3 here, below the 4 x parallelism cap).
        assertEquals(1 + 3, listed.rdd().getNumPartitions());
    }
}
