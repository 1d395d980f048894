package dev.tokentm.job.run;

import static dev.tokentm.job.run.ExplainJobTest.SAMPLE;
import static dev.tokentm.job.run.ExplainJobTest.read;
import static dev.tokentm.job.run.ExplainJobTest.run;
import static dev.tokentm.job.run.ExplainJobTest.spark;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokentm.job.output.MetricsTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Corpora as people have them, made here from the committed sample: names holding spaces, '#',
 * '%', '?', '+', brackets, quotes, a tab and accents in NFC and NFD, in a class folder {@code
 * Ankle boot}, read whole as an image folder with masks, as a manifest (relative, absolute,
 * literal and escaped {@code file:} paths, NFC name for an NFD file) and as Parquet; a run where
 * every image fails still writes its summary, empty metrics table and report, and an asked-for audit
 * says in a line that there is nothing to audit; {@code summary.json}
 * parses with a strict JSON parser and has null where nothing was measured; a copied part file
 * changes no dataset number, and a truncated part file and a foreign file are set aside and their
 * images explained again.
 */
class AwkwardInputsTest {

    /** File names real corpora have; the two "é" names differ only in Unicode normalization. */
    static final List<String> NAMES = List.of(
            "ok name with spaces & ünïcode.png",
            "a b #1.png",
            "100% [x] + y?.png",
            "quote's \"q\".png",
            "tab\tname.png",
            Normalizer.normalize("caf\u00e9 nfc.png", Normalizer.Form.NFC),
            Normalizer.normalize("cafe\u0301 nfd.png", Normalizer.Form.NFD));

    @TempDir
    Path tmp;

    /** The first sample images and their masks under the awkward names, in the class folder "Ankle boot". */
    private Path corpus() throws Exception {
        Path root = tmp.resolve("my corpus #1");
        List<String> sample = Files.readAllLines(SAMPLE.resolve("manifest.csv"));
        for (int i = 0; i < NAMES.size(); i++) {
            String[] cells = sample.get(1 + i).split(",");
            Path image = root.resolve("images").resolve("Ankle boot").resolve(NAMES.get(i));
            Path mask = root.resolve("masks").resolve("Ankle boot").resolve(NAMES.get(i));
            Files.createDirectories(image.getParent());
            Files.createDirectories(mask.getParent());
            Files.copy(SAMPLE.resolve(cells[0]), image);
            Files.copy(SAMPLE.resolve(cells[2]), mask);
        }
        return root;
    }

    private static String[] args(Path input, Path output, String... more) {
        List<String> a = new ArrayList<>(List.of(
                "explain",
                "--input",
                input.toString(),
                "--output",
                output.toString(),
                "--methods",
                "raw-attention",
                "--targets",
                "predicted",
                "--master",
                "local[2]",
                "--no-report"));
        a.addAll(Arrays.asList(more));
        return a.toArray(new String[0]);
    }

    private static List<Row> rows(Path output) {
        return read(output.resolve("images")).collectAsList();
    }

    private static void assertAllExplainedWithMasks(List<Row> rows, int images) {
        assertEquals(images, rows.size(), rows.toString());
        for (Row r : rows) {
            assertNull(r.getAs("error"), () -> r.getAs("path") + ": " + r.getAs("error"));
            assertNotNull(r.getAs("seg_ap"), () -> "mask found for " + r.getAs("path"));
        }
    }

    @Test
    void anImageFolderWithAwkwardNamesAndItsMasksIsReadWhole() throws Exception {
        Path root = corpus();
        Path out = tmp.resolve("out folder é");
        String text = run(args(
                root.resolve("images"), out, "--masks", root.resolve("masks").toString()));
        assertTrue(text.contains("0 failed"), text);
        List<Row> rows = rows(out);
        assertAllExplainedWithMasks(rows, NAMES.size());
        Set<String> names = new HashSet<>();
        for (Row r : rows) {
            String path = r.getAs("path");
            names.add(path.substring(path.lastIndexOf('/') + 1));
            assertEquals(9, (int) r.<Integer>getAs("label"), "'Ankle boot' is the class ankle-boot");
        }
        assertEquals(new HashSet<>(NAMES), names, "paths are the file names as they are on disk");
    }

    @Test
    void aManifestWithRelativeAbsoluteAndFileUriPathsIsReadWhole() throws Exception {
        Path root = corpus();
        List<String> lines = new ArrayList<>(List.of("path,label,mask_path"));
        for (int i = 0; i < NAMES.size(); i++) {
            String image = "images/Ankle boot/" + NAMES.get(i);
            String mask = "masks/Ankle boot/" + NAMES.get(i);
            String written =
                    switch (i % 4) {
                        case 0 -> image; // relative to the manifest
                        case 1 -> root.resolve(image).toString(); // absolute
                        case 2 -> "file:" + root.resolve(image); // a file: location, literal
                        default -> root.resolve(image).toUri().toString(); // a file: URI, escaped
                    };
            lines.add(csv(written) + ",ankle-boot,"
                    + csv(i % 2 == 0 ? mask : root.resolve(mask).toString()));
        }
        // NFC in the manifest for the file whose name is NFD on disk (and the other way round).
        Path nfd = root.resolve("images/Ankle boot").resolve(NAMES.get(6));
        lines.add(csv(Normalizer.normalize(nfd.toString(), Normalizer.Form.NFC)) + ",ankle-boot,");
        Path manifest = root.resolve("manifest with spaces.csv");
        Files.write(manifest, lines);
        Path out = tmp.resolve("out");
        String text = run(args(manifest, out));
        assertTrue(text.contains("0 failed"), text);
        List<Row> rows = rows(out);
        assertEquals(NAMES.size() + 1, rows.size());
        for (Row r : rows) {
            assertNull(r.getAs("error"), () -> r.getAs("path") + ": " + r.getAs("error"));
        }
        assertEquals(
                NAMES.size(),
                rows.stream().filter(r -> r.getAs("seg_ap") != null).count());
    }

    @Test
    void parquetPathColumnsWithAwkwardNamesAreKept() throws Exception {
        Path root = corpus();
        StructType schema = new StructType()
                .add("image", DataTypes.BinaryType)
                .add("path", DataTypes.StringType)
                .add("label", DataTypes.StringType);
        List<Row> rows = new ArrayList<>();
        for (String name : NAMES) {
            Path file = root.resolve("images/Ankle boot").resolve(name);
            rows.add(RowFactory.create(Files.readAllBytes(file), file.toString(), "Ankle boot"));
        }
        Path parquet = tmp.resolve("hub data #2.parquet");
        spark().createDataFrame(rows, schema).write().parquet(parquet.toString());
        Path out = tmp.resolve("out");
        String text = run(args(parquet, out));
        assertTrue(text.contains("0 failed"), text);
        List<Row> result = rows(out);
        assertEquals(NAMES.size(), result.size());
        Set<String> paths = new HashSet<>();
        result.forEach(r -> paths.add(r.getAs("path")));
        assertTrue(
                paths.contains(
                        root.resolve("images/Ankle boot").resolve(NAMES.get(2)).toString()),
                paths.toString());
    }

    @Test
    void aRunInWhichEveryImageFailsEndsWithSummaryMetricsAndReport() throws Exception {
        Path bag = tmp.resolve("broken/bag");
        Files.createDirectories(bag);
        Files.write(bag.resolve("empty.png"), new byte[0]);
        Files.writeString(bag.resolve("text pretending.png"), "not an image");
        Path out = tmp.resolve("out");
        List<String> a = new ArrayList<>(
                Arrays.asList(args(tmp.resolve("broken"), out, "--audit", "--audit-method", "raw-attention")));
        a.remove("--no-report");
        String text = run(a.toArray(new String[0]));
        assertTrue(text.contains("2 failed"), text);
        assertTrue(text.contains("tokentm: audit: no image was explained, nothing to audit"), text);
        JsonNode summary = new ObjectMapper().readTree(Files.readString(out.resolve("summary.json")));
        assertEquals(2, summary.get("images_failed").asLong());
        assertEquals(0, summary.get("metrics").size());
        assertEquals(0, read(out.resolve("metrics")).count());
        String report = Files.readString(out.resolve("report.html"));
        assertTrue(report.contains("Images that failed") && report.contains("empty file"), "report lists failures");
    }

    @Test
    void theSummaryIsStrictJsonWithNullForWhatCouldNotBeMeasured() throws Exception {
        Path root = corpus();
        Path manifest = root.resolve("no-masks.csv");
        Files.write(manifest, List.of("path,label", csv("images/Ankle boot/" + NAMES.get(1)) + ","));
        Path out = tmp.resolve("out");
        run(args(manifest, out));
        String json = Files.readString(out.resolve("summary.json"));
        assertFalse(json.contains("NaN"), json);
        // Jackson's default parser rejects NaN and Infinity, as jq and JSON.parse do.
        JsonNode metrics = new ObjectMapper().readTree(json).get("metrics").get(0);
        assertTrue(metrics.get("pixel_accuracy").isNull(), "no mask: " + metrics);
        assertTrue(metrics.get("auc_positive").isNull(), "no label: " + metrics);
        assertTrue(metrics.get("aopc").isNumber(), metrics.toString());
    }

    @Test
    void duplicateAndDamagedOutputFilesNeitherCountTwiceNorCrashAResume() throws Exception {
        Path root = corpus();
        Path out = tmp.resolve("out");
        String[] args = args(
                root.resolve("images"), out, "--masks", root.resolve("masks").toString(), "--partitions", "3");
        run(args);
        List<double[]> metricsBefore = metrics(out);
        Path images = out.resolve("images");
        List<Path> parts;
        try (Stream<Path> files = Files.list(images)) {
            parts = files.filter(p -> p.getFileName().toString().endsWith(".parquet"))
                    .sorted()
                    .toList();
        }
        assertTrue(parts.size() >= 2, "several part files: " + parts);
        // A retried task's second commit, or a copy made by hand: the same rows under another name.
        Files.copy(parts.get(0), images.resolve("part-99999-copy.snappy.parquet"));
        // A file truncated by a crash (its images must be explained again), and a foreign file.
        long lost = read(parts.get(1)).count();
        byte[] bytes = Files.readAllBytes(parts.get(1));
        Files.write(parts.get(1), Arrays.copyOf(bytes, bytes.length / 2));
        Files.writeString(images.resolve("notes.txt"), "someone's notes");

        String text = run(args);
        assertTrue(text.contains("damaged output file set aside") && text.contains("notes.txt"), text);
        assertTrue(text.contains(parts.get(1).getFileName().toString()), text);
        assertTrue(text.contains(lost + " to explain"), "the truncated file's images again: " + text);
        assertTrue(Files.exists(out.resolve("damaged").resolve("notes.txt")));
        assertSameMetrics(metricsBefore, metrics(out));
        // A third run over the copy: nothing to do, still the same numbers.
        String third = run(args);
        assertTrue(third.contains("0 to explain"), third);
        assertSameMetrics(metricsBefore, metrics(out));
        Files.move(out.resolve("damaged"), tmp.resolve("damaged-kept"), StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Every numeric measurement of the metrics table, row by row (method, target order); the time per
     * image and its interval are left out, being timings.
     */
    private static List<double[]> metrics(Path out) {
        List<double[]> values = new ArrayList<>();
        for (Row r : read(out.resolve("metrics")).orderBy("method", "target").collectAsList()) {
            List<Double> row = new ArrayList<>();
            for (int c = 0; c < r.size(); c++) {
                if (r.schema().fields()[c].name().startsWith(MetricsTable.SECONDS_PER_IMAGE.name())) {
                    continue;
                }
                Object v = r.get(c);
                if (v instanceof Number n) {
                    row.add(n.doubleValue());
                } else if (v instanceof scala.collection.Seq<?> seq) {
                    scala.jdk.javaapi.CollectionConverters.asJava(seq)
                            .forEach(x -> row.add(((Number) x).doubleValue()));
                }
            }
            values.add(row.stream().mapToDouble(Double::doubleValue).toArray());
        }
        return values;
    }

    /** Equal counts, and equal measurements up to float32 batch-composition noise. */
    private static void assertSameMetrics(List<double[]> expected, List<double[]> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(expected.get(i), actual.get(i), 1e-6, "row " + i);
        }
    }

    private static String csv(String value) {
        return "\"" + value.replace("\"", "\"\"") + "\"";
    }
}
