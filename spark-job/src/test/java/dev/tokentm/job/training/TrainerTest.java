package dev.tokentm.job.training;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokentm.job.dataset.ClutterSettings;
import dev.tokentm.job.dataset.ClutteredFashionMnist;
import dev.tokentm.udfs.checkpoint.ModelLoader;
import dev.tokentm.udfs.model.Preprocessing;
import dev.tokentm.udfs.model.VitConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer learns a task a ViT must learn, vertical against horizontal bars in clutter, to more
 * than 90% held-out accuracy, and writes a loadable checkpoint of its best epoch.
 */
class TrainerTest {

    @Test
    void learnsToTellBarsApartAndWritesALoadableCheckpoint(@TempDir Path out) throws Exception {
        ClutterSettings clutter = new ClutterSettings(32, 20, 28, 2, 6, 10, 0.1, 0.03, 0.2);
        double[] half = {0.5, 0.5, 0.5};
        VitConfig model = VitConfig.builder()
                .imageSize(32)
                .patchSize(8)
                .embedDim(32)
                .depth(2)
                .numHeads(2)
                .mlpRatio(2.0)
                .numClasses(2)
                .preprocessing(Preprocessing.exact(32, half, half))
                .build();
        TrainConfig config = new TrainConfig(model, 10, 32, 1e-3, 0.05, 0.5, 0.1, 1024, 256, 1, 7, null);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Trainer trainer = new Trainer(
                config,
                new ClutteredFashionMnist(TrainerTestData.bars(1024, 1), clutter),
                new ClutteredFashionMnist(TrainerTestData.bars(256, 2), clutter),
                List.of("vertical", "horizontal"),
                new PrintStream(log, true, StandardCharsets.UTF_8));
        double accuracy = trainer.run(out);
        String progress = log.toString(StandardCharsets.UTF_8);
        assertTrue(accuracy > 0.9, "held-out accuracy " + accuracy + "\n" + progress);
        assertTrue(progress.lines().filter(l -> l.startsWith("epoch ")).count() == 10, progress);
        try (ModelLoader.LoadedModel loaded =
                ModelLoader.load(out.resolve("model.safetensors").toString())) {
            assertTrue(loaded.classNames().equals(List.of("vertical", "horizontal")));
            assertTrue(
                    Math.abs(trainer.evaluate(loaded.model()) - accuracy) < 1e-9, "the checkpoint is the best epoch's");
        }
        assertTrue(Files.size(out.resolve("model.safetensors")) > 0);
    }
}
