package dev.tokentm.job.run;

import static dev.tokentm.job.run.ExplainJobTest.imageFolder;
import static dev.tokentm.job.run.ExplainJobTest.read;
import static dev.tokentm.job.run.ExplainJobTest.run;
import static dev.tokentm.job.run.ExplainJobTest.runFailing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.tokentm.job.output.MetricsTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The statistics of a run end to end (CLI, Spark local mode, 12 sample images, every protocol):
 * 10-step ROAD and 11-step deletion/insertion columns, {@code road_srg} = LeRF − MoRF per image,
 * 12 sanity rows, every metric's {@code _ci95} pair in the summary, a comparison per method and
 * metric whose {@code significant} matches its interval, τ in [−1, 1]; resuming with other
 * protocols or other methods is refused, with the sanity checks added or dropped it is not.
 */
class VerdictsTest {

    @TempDir
    Path tmp;

    @Test
    void everyProtocolIntervalsComparisonsAgreementAndSanity() throws Exception {
        Path root = imageFolder(tmp.resolve("corpus"), 12);
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
            "tokentm,raw-attention,gae",
            "--targets",
            "predicted",
            "--protocols",
            "zero,road,blur,sanity",
            "--sanity-images",
            "4",
            "--bootstrap",
            "200",
            "--master",
            "local[2]",
            "--no-report"
        };
        String printed = run(args);
        assertTrue(printed.contains("ROAD: noisy linear imputation"), printed);
        assertTrue(printed.contains("±"), "values with intervals: " + printed);
        assertTrue(printed.contains("difference to tokentm"), printed);

        List<Row> rows = read(out.resolve("images")).collectAsList();
        assertEquals(36, rows.size());
        for (Row r : rows) {
            assertEquals(10, r.getList(r.fieldIndex("road_lerf_correct")).size());
            assertEquals(
                    11,
                    r.getList(r.fieldIndex("deletion_explained_probability")).size());
            assertEquals(
                    11,
                    r.getList(r.fieldIndex("insertion_explained_probability")).size());
            double srg = r.<Double>getAs("road_srg");
            assertEquals(r.<Double>getAs("road_lerf_auc") - r.<Double>getAs("road_morf_auc"), srg, 1e-12);
            double insertion = r.<Double>getAs("insertion_auc");
            assertTrue(insertion >= 0 && insertion <= 1, "insertion area in [0, 1]: " + insertion);
        }
        assertEquals(4 * 3, read(out.resolve("sanity")).count(), "4 sampled images x 3 methods");

        JsonObject summary = JsonParser.parseString(Files.readString(out.resolve("summary.json")))
                .getAsJsonObject();
        assertEquals(200, summary.get("bootstrap_replicates").getAsInt());
        JsonArray metrics = summary.getAsJsonArray("metrics");
        assertEquals(3, metrics.size());
        for (JsonElement e : metrics) {
            JsonObject m = e.getAsJsonObject();
            for (MetricsTable.MetricColumn c : MetricsTable.shown()) {
                JsonArray ci = m.getAsJsonArray(c.name() + MetricsTable.CI_SUFFIX);
                assertEquals(2, ci.size(), c.name());
                double value = m.get(c.name()).getAsDouble();
                double low = ci.get(0).getAsDouble();
                double high = ci.get(1).getAsDouble();
                assertTrue(low <= high, c.name() + " " + ci);
                // A percentile interval of a smooth statistic lies around the estimate (12 images: loosely).
                assertTrue(
                        low <= value + 1e-9 || high - low < 1e-9 || value - high < (high - low),
                        c.name() + " " + value + " " + ci);
            }
            JsonObject sanity = m.getAsJsonObject("sanity");
            assertEquals(7, sanity.getAsJsonArray("randomization_correlations").size(), "head + 6 blocks");
            assertEquals(4, sanity.get("images").getAsInt());
            assertTrue(sanity.has("passed"));
        }
        JsonArray comparisons = summary.getAsJsonArray("comparisons");
        assertEquals(2 * MetricsTable.shown().size(), comparisons.size(), "2 methods against tokentm, every metric");
        for (JsonElement e : comparisons) {
            JsonObject c = e.getAsJsonObject();
            assertEquals("tokentm", c.get("versus").getAsString());
            JsonArray ci = c.getAsJsonArray("difference_ci95");
            boolean excludesZero = ci.get(0).getAsDouble() > 0 || ci.get(1).getAsDouble() < 0;
            assertEquals(excludesZero, c.get("significant").getAsBoolean(), c.toString());
        }
        JsonArray agreement = summary.getAsJsonArray("metric_agreement");
        assertFalse(agreement.isEmpty());
        for (JsonElement e : agreement) {
            double tau = e.getAsJsonObject().get("tau").getAsDouble();
            assertTrue(tau >= -1 && tau <= 1, e.toString());
        }

        // Resuming with other protocols would mix measurements: refused, naming both.
        String[] other = args.clone();
        other[java.util.Arrays.asList(args).indexOf("zero,road,blur,sanity")] = "zero";
        String refused = runFailing(other);
        assertTrue(refused.contains("--protocols zero,road,blur"), refused);
        // So would other methods: refused, naming what the output holds.
        String[] methods = args.clone();
        methods[java.util.Arrays.asList(args).indexOf("tokentm,raw-attention,gae")] = "tokentm,gae";
        String otherMethods = runFailing(methods);
        assertTrue(
                otherMethods.contains("holds results for [gae/predicted, raw-attention/predicted, tokentm/predicted]"),
                otherMethods);
        // Sanity alone may be added or dropped.
        other[java.util.Arrays.asList(args).indexOf("zero,road,blur,sanity")] = "zero,road,blur";
        assertTrue(run(other).contains("12 already done"));
    }
}
