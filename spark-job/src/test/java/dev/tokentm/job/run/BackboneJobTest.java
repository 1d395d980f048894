package dev.tokentm.job.run;

import static dev.tokentm.job.run.ExplainJobTest.SAMPLE;
import static dev.tokentm.job.run.ExplainJobTest.read;
import static dev.tokentm.job.run.ExplainJobTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.tokentm.job.cli.TokenTmCommand;
import dev.tokentm.udfs.checkpoint.EmbeddedModel;
import dev.tokentm.udfs.checkpoint.ModelLoader;
import dev.tokentm.udfs.checkpoint.Safetensors;
import dev.tokentm.udfs.checkpoint.TimmMetadata;
import dev.tokentm.udfs.model.VitConfig;
import dev.tokentm.udfs.model.VitParameters;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backbone without a classifier, with register tokens (as DINO's and DINOv2's), through the job: the
 * defaults are refused in one line that says what to run instead, before Spark starts; with the methods
 * that need no class and no perturbation protocol it explains every image, tests the heatmaps against
 * the masks, leaves the class columns null and writes its report.
 */
class BackboneJobTest {

    @TempDir
    Path tmp;

    private Path backbone() throws Exception {
        VitConfig config;
        try (ModelLoader.LoadedModel embedded = EmbeddedModel.load(Device.cpu())) {
            config = embedded.model().config().toBuilder()
                    .numClasses(0)
                    .registerTokens(2)
                    .build();
        }
        Path file = tmp.resolve("backbone.safetensors");
        try (NDManager manager = NDManager.newBaseManager()) {
            Files.write(
                    file,
                    Safetensors.write(
                            VitParameters.random(config, manager, 3).tensors(), TimmMetadata.fromConfig(config, null)));
        }
        return file;
    }

    @Test
    void aBackboneRunsTheMethodsThatNeedNoClassAndIsSegmentationTested() throws Exception {
        Path model = backbone();
        StringWriter err = new StringWriter();
        var cli = TokenTmCommand.commandLine();
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(
                "explain",
                "--model",
                model.toString(),
                "--input",
                SAMPLE.resolve("manifest.csv").toString(),
                "--output",
                tmp.resolve("refused").toString());
        assertEquals(1, code, err.toString());
        String line = err.toString().strip();
        assertTrue(
                line.startsWith("tokentm explain: the model has no classifier (a backbone such as DINO's)")
                        && line.contains("--methods among raw-attention,rollout,")
                        && line.contains("(not tokentm,gae,attention-gradcam,")
                        && line.contains("--protocols '' (not zero,sanity;")
                        && line.contains("--targets predicted")
                        && !line.contains("\n"),
                line);
        assertTrue(!Files.exists(tmp.resolve("refused")), "nothing was started");

        Path out = tmp.resolve("out");
        String text = run(
                "explain",
                "--model",
                model.toString(),
                "--input",
                SAMPLE.resolve("manifest.csv").toString(),
                "--limit",
                "6",
                "--methods",
                "raw-attention,head-attention(head=1),evit",
                "--protocols",
                "",
                "--targets",
                "predicted",
                "--master",
                "local[2]",
                "--output",
                out.toString());
        assertTrue(text.contains("0 failed"), text);
        assertTrue(Files.exists(out.resolve("report.html")), "the report shows a backbone's maps too");
        List<Row> rows = read(out.resolve("images")).collectAsList();
        assertEquals(18, rows.size());
        for (Row r : rows) {
            assertNull(r.getAs("error"));
            assertNull(r.getAs("predicted"), "no class is predicted");
            assertNull(r.getAs("explained_class"));
            assertNull(r.getAs("probability"));
            assertNull(r.getAs("method_prediction"));
            assertNotNull(r.getAs("seg_ap"), "the masks test every heatmap");
            assertEquals(64, r.getList(r.fieldIndex("heatmap")).size(), "the 8x8 patch grid, registers left out");
        }
    }
}
