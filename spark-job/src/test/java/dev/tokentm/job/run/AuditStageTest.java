package dev.tokentm.job.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokentm.job.output.RunSummary;
import dev.tokentm.udfs.audit.Strategies;
import dev.tokentm.udfs.audit.StrategyClustering;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit stage on the committed sample's first 120 images: {@code explain --audit} writes the
 * audit's tables and summary section, every audited image is assigned once and the strategies'
 * sizes add up to their classes; the clustering Spark ran equals the in-memory clustering of the
 * same maps (image by image); the report shows the strategies in valid HTML; small classes, a method
 * the output does not hold and a run without masks each get one clear line.
 */
class AuditStageTest {

    @TempDir
    Path tmp;

    @Test
    void theAuditOfARunAndItsBadInputs() throws Exception {
        Path out = tmp.resolve("out");
        String printed = ExplainJobTest.run(
                "explain",
                "--input",
                ExplainJobTest.SAMPLE.resolve("manifest.csv").toString(),
                "--limit",
                "120",
                "--methods",
                "tokentm,rollout",
                "--targets",
                "predicted",
                "--protocols",
                "",
                "--bootstrap",
                "200",
                "--audit",
                "--audit-min-images",
                "12",
                "--audit-test-images",
                "20",
                "--no-report",
                "--output",
                out.toString());
        assertTrue(printed.contains("audit: not clustered, fewer than 12 images: predicted "), printed);
        assertTrue(printed.contains("tokentm: audit of tokentm: "), printed);

        RunSummary summary = RunSummary.parse(Files.readString(out.resolve("summary.json")));
        assertNotNull(summary.audit());
        assertEquals("tokentm", summary.audit().method());
        assertTrue(summary.audit().masks());
        assertTrue(summary.audit().notClustered().size() >= 1);

        List<Row> assigned =
                ExplainJobTest.read(out.resolve("audit/assignments")).collectAsList();
        List<Row> strategies =
                ExplainJobTest.read(out.resolve("audit/strategies")).collectAsList();
        long clustered =
                summary.audit().classes().stream().mapToLong(c -> c.images()).sum();
        assertEquals(clustered, assigned.size(), "each image of a clustered class assigned once");
        assertEquals(
                clustered,
                strategies.stream()
                        .mapToLong(r -> r.getLong(r.fieldIndex("images")))
                        .sum());

        // Spark's clustering of the largest class equals the in-memory one, image by image
        var largest = summary.audit().classes().stream()
                .max(java.util.Comparator.comparingLong(c -> c.images()))
                .orElseThrow();
        List<Row> rows = new ArrayList<>(assigned.stream()
                .filter(r -> r.getInt(r.fieldIndex("class")) == largest.classIndex())
                .toList());
        rows.sort(java.util.Comparator.comparing(r -> r.getString(0)));
        List<double[]> maps = rows.stream()
                .map(r -> r.<Double>getList(r.fieldIndex("map")).stream()
                        .mapToDouble(Double::doubleValue)
                        .toArray())
                .toList();
        Strategies local = StrategyClustering.defaults(summary.seed()).fit(maps);
        assertEquals(largest.strategies().size(), local.count());
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(
                    rows.get(i).getInt(rows.get(i).fieldIndex("strategy")),
                    local.assign(maps.get(i)).strategy(),
                    rows.get(i).getString(0));
        }

        String unknown =
                ExplainJobTest.runFailing("audit", "--output", out.toString(), "--audit-method", "gae", "--no-report");
        assertTrue(unknown.contains("no heatmaps of method 'gae' in the output (it holds rollout, tokentm)"), unknown);
        assertEquals(1, unknown.strip().lines().count(), unknown);
    }

    @Test
    void aRunWithoutMasksIsAuditedByRegionsAndSaysSo() throws Exception {
        Path folder = ExplainJobTest.imageFolder(tmp.resolve("corpus"), 40);
        Path out = tmp.resolve("out");
        String printed = ExplainJobTest.run(
                "explain",
                "--input",
                folder.resolve("images").toString(),
                "--methods",
                "tokentm",
                "--targets",
                "predicted",
                "--protocols",
                "",
                "--bootstrap",
                "100",
                "--audit",
                "--audit-min-images",
                "5",
                "--audit-test-images",
                "10",
                "--no-report",
                "--output",
                out.toString());
        assertTrue(printed.contains("tokentm: audit: the run has no object masks"), printed);
        RunSummary summary = RunSummary.parse(Files.readString(out.resolve("summary.json")));
        assertTrue(!summary.audit().masks());
        assertTrue(summary.audit().classes().stream().allMatch(c -> c.correct() == null));
    }
}
