package dev.tokentm.job.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tokentm.job.aggregate.Bootstrap;
import dev.tokentm.job.audit.AuditSettings;
import dev.tokentm.job.benchmark.AuditBenchmark;
import dev.tokentm.job.dataset.FashionMnist;
import dev.tokentm.udfs.explain.ExplainerRegistry;
import dev.tokentm.udfs.spark.VitExplainer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit finds a planted shortcut and nothing where there is none. 3,000 cluttered test images,
 * 30% of the shirts with a white square in the top-left corner ({@code make-data --shortcut}); the
 * shipped shortcut model (trained on such images) is audited on them: the predicted-shirt strategy
 * holding most marked images holds at least 90% of them and at most 10% unmarked ones, its region
 * holds the mark, and its causal test confirms it (drop interval above 0). The clean embedded model on
 * the same images: no confirmed shortcut for shirts. Needs Debian's Fashion-MNIST (skipped without).
 */
class PlantedShortcutTest {

    static final String SHORTCUT = "class=shirt,mark=square,corner=top-left,rate=0.3";
    static final String SHORTCUT_MODEL = "classpath:models/shirt-shortcut-vit/model.safetensors";

    @TempDir
    Path tmp;

    @Test
    void theAuditConfirmsThePlantedShortcutAndOnlyThere() throws Exception {
        assumeTrue(
                Files.isDirectory(FashionMnist.DEFAULT_DIR),
                "Fashion-MNIST not in " + FashionMnist.DEFAULT_DIR + " (apt-get install dataset-fashion-mnist)");
        Path data = tmp.resolve("data");
        ExplainJobTest.run("make-data", "--out", data.toString(), "--count", "3000", "--shortcut", SHORTCUT);
        SparkSession spark = ExplainJobTest.spark();
        AuditSettings settings = AuditSettings.defaults(new Bootstrap(1000, 0));
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

        AuditBenchmark.Outcome shortcut = new AuditBenchmark(data, SHORTCUT, 0)
                .run(spark, explainer(SHORTCUT_MODEL), settings, tmp.resolve("shortcut"), out);
        AuditBenchmark.Planted p = shortcut.planted().get(0);
        assertEquals("predicted", p.target());
        assertTrue(p.markedIn() >= 0.9 * p.marked(), p.toString());
        assertTrue(p.unmarkedIn() <= 0.1 * (p.markedIn() + p.unmarkedIn()), p.toString());
        assertTrue(p.regionHoldsMark(), p.toString());
        assertEquals(Boolean.TRUE, p.confirmed(), p.toString());
        assertTrue(p.dropLow() > 0, p.toString());

        AuditBenchmark.Outcome clean =
                new AuditBenchmark(data, SHORTCUT, 0).run(spark, explainer(null), settings, tmp.resolve("clean"), out);
        assertTrue(
                clean.confirmed().stream().noneMatch(c -> c.contains(" shirt,")),
                clean.confirmed().toString());
        assertTrue(clean.planted().get(0).confirmed() == null
                || !clean.planted().get(0).confirmed());
    }

    private static VitExplainer explainer(String model) {
        return new VitExplainer()
                .setModelUrl(model)
                .setMethods(ExplainerRegistry.REFERENCE)
                .setTargets("predicted")
                .setProtocols()
                .setBatchSize(16);
    }
}
