package dev.tokentm.job.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tokentm.udfs.checkpoint.ModelLoader;
import dev.tokentm.udfs.checkpoint.Safetensors;
import dev.tokentm.udfs.checkpoint.TimmMetadata;
import dev.tokentm.udfs.model.VitConfig;
import dev.tokentm.udfs.model.VitParameters;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training ViT Shapley on a small random classifier: the explainer's loss falls, and a run stopped in
 * its last epoch resumes from the state it left and ends with the same explainer, bit for bit, as a run
 * that was never stopped.
 */
class VitShapleyTrainerTest {

    private static final VitConfig CONFIG = VitConfig.builder()
            .imageSize(16)
            .patchSize(4)
            .embedDim(24)
            .depth(2)
            .numHeads(2)
            .numClasses(3)
            .build();
    private static final int IMAGES = 64;

    @TempDir
    Path tmp;

    private Path classifier() throws Exception {
        Path file = tmp.resolve("classifier.safetensors");
        try (NDManager manager = NDManager.newBaseManager()) {
            Files.write(
                    file,
                    Safetensors.write(
                            VitParameters.random(CONFIG, manager, 1).tensors(), TimmMetadata.fromConfig(CONFIG, null)));
        }
        return file;
    }

    /** Random images; after {@code failAfter} reads, each read fails (a stopped run). */
    private static VitShapleyTrainer.Images images(int failAfter) {
        Random random = new Random(2);
        float[][] pixels = new float[IMAGES][3 * 16 * 16];
        for (float[] p : pixels) {
            for (int i = 0; i < p.length; i++) {
                p[i] = random.nextFloat();
            }
        }
        AtomicInteger reads = new AtomicInteger();
        return new VitShapleyTrainer.Images() {
            @Override
            public int size() {
                return IMAGES;
            }

            @Override
            public float[] pixels(int index) {
                if (reads.incrementAndGet() > failAfter) {
                    throw new IllegalStateException("stopped");
                }
                return pixels[index];
            }
        };
    }

    @Test
    void aStoppedRunResumesToTheSameExplainer() throws Exception {
        Path file = classifier();
        VitShapleyTraining config = new VitShapleyTraining(file.toString(), 1, 3, 16, 2, 1e-3, 1e-5, 4);
        try (ModelLoader.LoadedModel model = ModelLoader.load(file.toString())) {
            stopAndResume(config, model);
        }
    }

    private void stopAndResume(VitShapleyTraining config, ModelLoader.LoadedModel model) throws Exception {
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        Path once = tmp.resolve("once.safetensors");
        new VitShapleyTrainer(config, new PrintStream(whole, true, StandardCharsets.UTF_8))
                .run(model, images(Integer.MAX_VALUE), once);
        String log = whole.toString(StandardCharsets.UTF_8);
        double first = loss(log, "explainer epoch 1/3");
        double last = loss(log, "explainer epoch 3/3");
        assertTrue(last < first, "the explainer's loss falls: " + first + " -> " + last + "\n" + log);

        Path resumed = tmp.resolve("resumed.safetensors");
        int beforeLastEpoch = IMAGES /* targets */ + IMAGES /* surrogate */ + 2 * IMAGES /* explainer 1, 2 */;
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertThrows(IllegalStateException.class, () -> new VitShapleyTrainer(config, quiet)
                .run(model, images(beforeLastEpoch + 20), resumed));
        assertTrue(Files.exists(tmp.resolve("resumed.safetensors.training")), "the state of two epochs is kept");
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        new VitShapleyTrainer(config, new PrintStream(again, true, StandardCharsets.UTF_8))
                .run(model, images(Integer.MAX_VALUE), resumed);
        assertTrue(
                again.toString(StandardCharsets.UTF_8).contains("resuming from")
                        && again.toString(StandardCharsets.UTF_8).contains("(EXPLAINER, 2 epochs done)"),
                again.toString(StandardCharsets.UTF_8));
        assertTrue(!Files.exists(tmp.resolve("resumed.safetensors.training")), "the state is removed at the end");
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> a =
                    Safetensors.read(Files.readAllBytes(once), manager, "once").tensors();
            Map<String, NDArray> b = Safetensors.read(Files.readAllBytes(resumed), manager, "resumed")
                    .tensors();
            assertEquals(a.keySet(), b.keySet());
            for (String k : a.keySet()) {
                assertArrayEquals(a.get(k).toFloatArray(), b.get(k).toFloatArray(), 0f, k);
            }
        }
    }

    private static double loss(String log, String epoch) {
        for (String line : log.split("\n")) {
            if (line.startsWith(epoch)) {
                return Double.parseDouble(line.split("loss ")[1].split(" ")[0]);
            }
        }
        throw new AssertionError("no line '" + epoch + "' in\n" + log);
    }
}
