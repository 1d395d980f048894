package dev.tokentm.job.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokentm.job.cli.TokenTmCommand;
import dev.tokentm.job.input.ImageInputs;
import dev.tokentm.job.input.InputSpec;
import dev.tokentm.job.output.RunOutput;
import dev.tokentm.udfs.checkpoint.EmbeddedModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQL functions through {@code spark.sql(...)} in a session with {@code spark.sql.extensions} set, on the
 * first images of the committed sample: {@code tokentm_explain} gives the rows the CLI writes, and {@code
 * tokentm_metrics} over them the metrics the CLI writes (same seed; one image per batch on both sides, so every
 * number is computed the same way); and each wrong call fails in one line when the query is analysed.
 */
class SqlFunctionsTest {

    private static final Path SAMPLE =
            Path.of(System.getProperty("tokentm.repo.dir", "."), "data", "sample", "manifest.csv");
    private static final int IMAGES = 12;

    private static SparkSession spark;

    @TempDir
    static Path dir;

    private static String cliOutput;

    @BeforeAll
    static void start() {
        // Extensions are read when a session is built: end any session an earlier test class left, and run
        // the CLI first (it closes its session when done).
        stopSessions();
        cliOutput = dir.resolve("cli").toString();
        int code = TokenTmCommand.commandLine()
                .execute(
                        "explain",
                        "--input",
                        SAMPLE.toString(),
                        "--limit",
                        Integer.toString(IMAGES),
                        "--methods",
                        "tokentm,gae",
                        "--targets",
                        "predicted",
                        "--protocols",
                        "zero",
                        "--batch-size",
                        "1",
                        "--seed",
                        "3",
                        "--bootstrap",
                        "200",
                        "--no-report",
                        "--output",
                        cliOutput);
        assertEquals(0, code);
        stopSessions();
        spark = SparkSession.builder()
                .master("local[2]")
                .appName("tokentm sql test")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.sql.extensions", TokenTmExtensions.class.getName())
                .getOrCreate();
        List<String> classes = EmbeddedModel.load(ai.djl.Device.cpu()).classNames();
        Dataset<Row> images = ImageInputs.read(
                spark,
                new InputSpec(SAMPLE.toString(), null, "image", "path", "label", "mask_path", null, IMAGES),
                classes);
        images.createOrReplaceTempView("images");
    }

    private static void stopSessions() {
        SparkSession.getDefaultSession().foreach(s -> {
            s.stop();
            return null;
        });
        SparkSession.clearActiveSession();
        SparkSession.clearDefaultSession();
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    @Test
    void explainAndMetricsEqualTheCli() {
        String out = cliOutput;
        Dataset<Row> sql = spark.sql("SELECT * FROM tokentm_explain('images', methods => 'tokentm,gae', "
                + "targets => 'predicted', protocols => 'zero', batch_size => 1, seed => 3)");
        sql.createOrReplaceTempView("explained");
        Map<String, String> fromSql = rows(spark.table("explained"));
        Map<String, String> fromCli = rows(new RunOutput(spark, out).readImages());
        assertEquals(2 * IMAGES, fromSql.size());
        assertEquals(fromCli, fromSql);

        Map<String, String> metrics =
                rows(spark.sql("SELECT * FROM tokentm_metrics('explained', seed => 3, " + "bootstrap => 200)")
                        .drop("seconds_per_image", "seconds_per_image_ci95", "sanity_verdict"));
        Map<String, String> cliMetrics = rows(spark.sql("SELECT * FROM tokentm_metrics('" + out + "')")
                .drop("seconds_per_image", "seconds_per_image_ci95", "sanity_verdict"));
        assertEquals(2, metrics.size());
        assertEquals(cliMetrics, metrics);
    }

    /** Class names from the embedded model's labels, null outside them, in any expression. */
    @Test
    void classNamesOfTheModel() {
        List<String> names = EmbeddedModel.load(ai.djl.Device.cpu()).classNames();
        Row r = spark.sql("SELECT tokentm_class_name(0) AS first, tokentm_class_name(9) AS last,"
                        + " tokentm_class_name(10) AS beyond, tokentm_class_name(CAST(NULL AS INT)) AS none,"
                        + " upper(tokentm_class_name(label)) AS upper FROM images ORDER BY path LIMIT 1")
                .first();
        assertEquals(names.get(0), r.getString(0));
        assertEquals(names.get(9), r.getString(1));
        assertEquals(null, r.get(2));
        assertEquals(null, r.get(3));
        assertTrue(names.stream()
                .map(n -> n.toUpperCase(java.util.Locale.ROOT))
                .toList()
                .contains(r.getString(4)));
        assertRefused(
                "SELECT tokentm_class_name(1, '" + dir.resolve("none.safetensors") + "')",
                "tokentm_class_name: ",
                "none.safetensors");
    }

    @Test
    void wrongCallsFailInOneLineBeforeAnythingRuns() {
        assertRefused(
                "SELECT * FROM tokentm_explain('images', methods => 'tokentm,no-such-method')",
                "tokentm_explain: ",
                "no-such-method");
        assertRefused("SELECT * FROM tokentm_explain('nowhere')", "tokentm_explain: no table or view named 'nowhere'");
        assertRefused(
                "SELECT * FROM tokentm_explain('images', colour => 'red')",
                "tokentm_explain: has no parameter 'colour'; its parameters: table, methods");
        assertRefused(
                "SELECT * FROM tokentm_explain('images', path_col => 'where', content_col => 'bytes')",
                "tokentm_explain: ",
                "'bytes'");
        assertRefused(
                "SELECT * FROM tokentm_explain('images', model => '" + dir.resolve("none.safetensors") + "')",
                "tokentm_explain: ",
                "none.safetensors");
        assertRefused(
                "SELECT * FROM tokentm_explain('images', protocols => 'zero,sanity')",
                "tokentm_explain: protocol 'sanity' is a stage of its own");
        assertRefused(
                "SELECT * FROM tokentm_explain('images', protocols => 'zero,SANITY')",
                "tokentm_explain: protocol 'sanity' is a stage of its own");
        assertRefused(
                "SELECT * FROM tokentm_explain('images', protocols => 'zero,flood')",
                "tokentm_explain: unknown protocol 'flood'");
        assertRefused(
                "SELECT * FROM tokentm_explain('images', batch_size => 'many')",
                "tokentm_explain: parameter 'batch_size' must be a whole number, got 'many'");
        assertRefused(
                "SELECT * FROM tokentm_metrics('" + dir.resolve("no-run") + "')",
                "tokentm_metrics: no table or view named '",
                "and no run's metrics at");
    }

    private static void assertRefused(String query, String start, String... contains) {
        Throwable e = assertThrows(Exception.class, () -> spark.sql(query));
        String message = e.getMessage();
        System.out.println(query + "\n  -> " + message);
        assertTrue(message.startsWith(start), query + " -> " + message);
        assertFalse(message.contains("\n"), query + " -> " + message);
        for (String c : contains) {
            assertTrue(message.contains(c), query + " -> " + message);
        }
    }

    /** Each row as text, keyed by its image, method and target (or method and target), in a sorted map. */
    private static Map<String, String> rows(Dataset<Row> rows) {
        Map<String, String> out = new TreeMap<>();
        List<String> keys = List.of(rows.columns()).contains("image_id")
                ? List.of("image_id", "method", "target")
                : List.of("method", "target");
        for (Row r : rows.drop("seconds", "device").collectAsList()) {
            StringBuilder key = new StringBuilder();
            for (String k : keys) {
                key.append(r.getAs(k).toString()).append('|');
            }
            out.put(key.toString(), r.toString());
        }
        return out;
    }
}
