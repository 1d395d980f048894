package dev.tokentm.job.run;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.tokentm.job.cli.TokenTmCommand;
import dev.tokentm.job.output.RunLock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The job end to end in Spark local mode through its command line, on a few images of the
 * committed sample: an image folder with truncated, empty and non-image files (3 error rows,
 * labels from folder names, masks from the mirrored tree), re-run = nothing added, two new images
 * = only they are explained, no duplicates; a manifest and the same images as a Hugging Face style
 * Parquet give the same heatmaps; a missing input is one clear line; a run without removal
 * protocols still has the segmentation test's metrics; the partition count (8 for 1,000 images on
 * 2 cores, 256 images at most).
 */
class ExplainJobTest {

    static final Path SAMPLE = Path.of(System.getProperty("tokentm.repo.dir", "."), "data", "sample");

    @org.junit.jupiter.api.Test
    void partitionsAreFourPerCoreWhileEachGetsABatchAndHoldAtMost256Images() {
        assertEquals(8, ExplainJob.partitions(1_000, 2, 16)); // 125 images each, not 4 of 250
        assertEquals(2, ExplainJob.partitions(20, 2, 16)); // one batch in all: one partition per core
        assertEquals(5, ExplainJob.partitions(80, 2, 16)); // five full batches
        assertEquals(1, ExplainJob.partitions(3, 1, 16));
        assertEquals(39_063, ExplainJob.partitions(10_000_000, 400, 16)); // 256 images each bound it
    }

    @TempDir
    Path tmp;

    /** Runs the CLI; returns its standard output. */
    static String run(String... args) {
        PrintStream previous = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int code;
        try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(out);
            code = TokenTmCommand.commandLine().execute(args);
        } finally {
            System.setOut(previous);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        previous.print(text);
        assertEquals(0, code, "exit code; output:\n" + text);
        return text;
    }

    /** A small image folder: the first {@code n} sample images in their class folders, masks alongside. */
    static Path imageFolder(Path root, int n) throws Exception {
        List<String> lines = Files.readAllLines(SAMPLE.resolve("manifest.csv"));
        for (String line : lines.subList(1, n + 1)) {
            String[] cells = line.split(",");
            Path image = root.resolve(cells[0]);
            Files.createDirectories(image.getParent());
            Files.copy(SAMPLE.resolve(cells[0]), image);
            Path mask = root.resolve(cells[2]);
            Files.createDirectories(mask.getParent());
            Files.copy(SAMPLE.resolve(cells[2]), mask);
        }
        return root;
    }

    /** Runs the CLI expecting it to fail; returns what it printed as its error (exit code 1 asserted). */
    static String runFailing(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = TokenTmCommand.commandLine();
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        assertEquals(1, code, err.toString());
        return err.toString();
    }

    /** A local session for reading what a run wrote (the CLI stops its own at the end). */
    static SparkSession spark() {
        return SparkSession.builder()
                .master("local[1]")
                .config("spark.ui.enabled", "false")
                .getOrCreate();
    }

    static Dataset<Row> read(Path dir) {
        return spark().read().parquet(dir.toString());
    }

    @Test
    void imageFolderWithCorruptFilesThenResume() throws Exception {
        Path root = imageFolder(tmp.resolve("corpus"), 5);
        Path bag = root.resolve("images/bag");
        Files.createDirectories(bag);
        Files.write(
                bag.resolve("truncated.png"),
                Arrays.copyOf(
                        Files.readAllBytes(SAMPLE.resolve(Files.readAllLines(SAMPLE.resolve("manifest.csv"))
                                .get(1)
                                .split(",")[0])),
                        100));
        Files.write(bag.resolve("empty.jpg"), new byte[0]);
        Files.writeString(bag.resolve("notes.png"), "not an image");
        Files.writeString(bag.resolve("readme.txt"), "ignored: not an image extension");
        Path out = tmp.resolve("out");
        String[] args = {
            "explain",
            "--input",
            root.resolve("images").toString(),
            "--masks",
            root.resolve("masks").toString(),
            "--output",
            out.toString(),
            "--methods",
            "tokentm,raw-attention",
            "--targets",
            "predicted",
            "--batch-size",
            "2",
            "--master",
            "local[2]",
            "--partitions",
            "3"
        };
        String first = run(args);
        assertTrue(first.contains("8 images in"), first);
        assertTrue(first.contains("3 failed"), first);
        assertTrue(first.contains("tokentm "), first);

        Dataset<Row> rows = read(out.resolve("images"));
        assertEquals(5 * 2 + 3, rows.count());
        Map<String, String> errors = rows.where(col("error").isNotNull()).collectAsList().stream()
                .collect(Collectors.toMap(
                        r -> Path.of(r.<String>getAs("path")).getFileName().toString(), r -> r.getAs("error")));
        assertEquals(3, errors.size());
        assertTrue(errors.get("empty.jpg").contains("empty file"), errors.toString());
        assertTrue(errors.get("notes.png").contains("not a known image format"), errors.toString());
        assertTrue(errors.get("truncated.png").contains("decode"), errors.toString());
        // Labels come from the folder names, masks from the mirrored tree.
        List<Row> good = rows.where(col("error").isNull()).collectAsList();
        for (Row r : good) {
            String folder = Path.of(r.<String>getAs("path").replace("file:", ""))
                    .getParent()
                    .getFileName()
                    .toString();
            assertEquals(
                    dev.tokentm.job.dataset.FashionMnist.CLASS_NAMES.indexOf(folder), (int) r.<Integer>getAs("label"));
            assertTrue(r.getAs("seg_ap") != null, "mask found for " + r.getAs("path"));
        }
        JsonObject summary = JsonParser.parseString(Files.readString(out.resolve("summary.json")))
                .getAsJsonObject();
        assertEquals(8, summary.get("images_in_input").getAsLong());
        assertEquals(3, summary.get("images_failed").getAsLong());
        assertEquals(2, summary.getAsJsonArray("metrics").size());
        assertEquals(2, read(out.resolve("metrics")).count());

        // Same output again: everything is done, nothing is added.
        String second = run(args);
        assertTrue(second.contains("8 already done, 0 to explain"), second);
        assertEquals(13, read(out.resolve("images")).count());

        // Two more images appear: only they are explained.
        for (String line : Files.readAllLines(SAMPLE.resolve("manifest.csv")).subList(6, 8)) {
            String[] cells = line.split(",");
            for (String file : new String[] {cells[0], cells[2]}) {
                Files.createDirectories(root.resolve(file).getParent());
                Files.copy(SAMPLE.resolve(file), root.resolve(file));
            }
        }
        String third = run(args);
        assertTrue(third.contains("10 images in"), third);
        assertTrue(third.contains("8 already done, 2 to explain"), third);
        Dataset<Row> all = read(out.resolve("images"));
        assertEquals(17, all.count());
        assertEquals(all.select("image_id", "method").distinct().count(), all.count(), "no duplicates");
    }

    /**
     * With no removal protocol the perturbation steps still come from the settings, so the segmentation
     * test's metrics are in the metrics table and every perturbation metric is left empty.
     */
    @Test
    void withoutRemovalProtocolsTheMetricsTableHoldsTheSegmentationTest() throws Exception {
        Path out = tmp.resolve("no-removal");
        run(
                "explain",
                "--input",
                SAMPLE.resolve("manifest.csv").toString(),
                "--limit",
                "3",
                "--output",
                out.toString(),
                "--methods",
                "raw-attention",
                "--targets",
                "predicted",
                "--protocols",
                "",
                "--bootstrap",
                "20",
                "--no-report",
                "--master",
                "local[1]");
        List<Row> metrics = read(out.resolve("metrics")).collectAsList();
        assertEquals(1, metrics.size());
        Row m = metrics.get(0);
        assertEquals(3L, m.<Long>getAs("segmented_images"));
        assertTrue(m.<Double>getAs("miou") > 0, "the segmentation test is aggregated");
        assertTrue(Double.isNaN(m.<Double>getAs("srg")), "no removal ran, so no SRG");
        assertTrue(m.isNullAt(m.fieldIndex("accuracy_positive")), "no accuracy curve");
    }

    @Test
    void manifestAndParquetBytesGiveTheSameHeatmaps() throws Exception {
        Path manifestOut = tmp.resolve("from-manifest");
        run(
                "explain",
                "--input",
                SAMPLE.resolve("manifest.csv").toString(),
                "--limit",
                "3",
                "--output",
                manifestOut.toString(),
                "--methods",
                "gae",
                "--targets",
                "predicted,label",
                "--master",
                "local[1]");
        List<Row> fromManifest = sorted(read(manifestOut.resolve("images")).collectAsList());
        assertEquals(6, fromManifest.size());

        // The same three images as a Hugging Face style Parquet: image struct<bytes, path>, label.
        StructType schema = new StructType()
                .add(
                        "image",
                        new StructType().add("bytes", DataTypes.BinaryType).add("path", DataTypes.StringType))
                .add("label", DataTypes.LongType);
        List<Row> rows = new ArrayList<>();
        for (Row r : fromManifest) {
            if (r.<String>getAs("target").equals("label")) {
                Path file = Path.of(java.net.URI.create(r.getAs("path")));
                rows.add(RowFactory.create(
                        RowFactory.create(
                                Files.readAllBytes(file), file.getFileName().toString()),
                        (long) r.<Integer>getAs("label")));
            }
        }
        SparkSession spark = SparkSession.builder()
                .master("local[1]")
                .config("spark.ui.enabled", "false")
                .getOrCreate();
        Path parquet = tmp.resolve("hub.parquet");
        spark.createDataFrame(rows, schema).write().parquet(parquet.toString());
        Path parquetOut = tmp.resolve("from-parquet");
        run(
                "explain",
                "--input",
                parquet.toString(),
                "--output",
                parquetOut.toString(),
                "--methods",
                "gae",
                "--targets",
                "predicted,label",
                "--master",
                "local[1]");
        List<Row> fromParquet = sorted(read(parquetOut.resolve("images")).collectAsList());
        assertEquals(6, fromParquet.size());
        for (int i = 0; i < 6; i++) {
            Row a = fromManifest.get(i);
            Row b = fromParquet.get(i);
            assertEquals(
                    Path.of(java.net.URI.create(a.getAs("path"))).getFileName().toString(), b.getAs("path"));
            assertEquals(a.<Integer>getAs("label"), b.<Integer>getAs("label"));
            assertEquals(a.<Integer>getAs("predicted"), b.<Integer>getAs("predicted"));
            assertEquals(a.getList(a.fieldIndex("heatmap")), b.getList(b.fieldIndex("heatmap")));
            assertNotEquals(a.<String>getAs("image_id"), b.<String>getAs("image_id"), "parquet ids are content hashes");
            assertEquals(40, b.<String>getAs("image_id").length());
        }
    }

    @Test
    void aSecondRunOnTheSameOutputIsRefusedWithOneLineNamingTheFirst() throws Exception {
        Path out = tmp.resolve("busy");
        String line;
        try (var first = RunLock.acquire(out.toString(), new Configuration(), m -> {})) {
            line = runFailing(
                            "explain",
                            "--input",
                            SAMPLE.resolve("manifest.csv").toString(),
                            "--output",
                            out.toString(),
                            "--master",
                            "local[1]")
                    .strip();
        }
        assertTrue(line.startsWith("tokentm explain: another tokentm run is writing to " + out), line);
        assertTrue(line.contains("process " + ProcessHandle.current().pid()), line);
        assertEquals(1, line.lines().count(), "one line: " + line);
    }

    /** By file name, then target. */
    private static List<Row> sorted(List<Row> rows) {
        List<Row> copy = new ArrayList<>(rows);
        copy.sort(java.util.Comparator.comparing(
                        (Row r) -> r.<String>getAs("path").replaceAll(".*/", ""))
                .thenComparing(r -> r.<String>getAs("target")));
        return copy;
    }

    @Test
    void badInputIsOneClearLine() {
        String text = runFailing(
                "explain",
                "--input",
                tmp.resolve("nothing-here").toString(),
                "--output",
                tmp.resolve("o").toString(),
                "--master",
                "local[1]");
        assertTrue(text.contains("does not exist"), text);
    }
}
