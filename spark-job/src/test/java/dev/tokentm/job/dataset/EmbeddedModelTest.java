package dev.tokentm.job.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tokentm.udfs.checkpoint.EmbeddedModel;
import dev.tokentm.udfs.checkpoint.ModelLoader;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The shipped model reaches its recorded held-out accuracy on the committed sample within 6 points
 * (three binomial standard errors at 300 images).
 */
class EmbeddedModelTest {

    static Path sampleDir() {
        String root = System.getProperty("tokentm.repo.dir", "..");
        return Path.of(root, "data", "sample");
    }

    @Test
    void reachesItsRecordedAccuracyOnTheCommittedSample() throws Exception {
        double recorded = Double.parseDouble(EmbeddedModel.metadata().get("test_accuracy"));
        SampleImages sample = new SampleImages(sampleDir());
        int n = sample.size();
        assertTrue(n >= 200, "the committed sample has " + n + " images");
        try (ModelLoader.LoadedModel loaded = EmbeddedModel.load(Device.cpu());
                NDManager manager = NDManager.newBaseManager()) {
            assertEquals(FashionMnist.CLASS_NAMES, loaded.classNames());
            int side = loaded.model().config().imageSize();
            SampleImages.Batch batch = sample.read(0, n, side);
            int[] labels = batch.labels();
            NDArray images = manager.create(batch.pixels(), new Shape(n, 3, side, side));
            long[] predicted = loaded.model()
                    .logits(loaded.model().config().preprocessing().normalize(images))
                    .argMax(1)
                    .toLongArray();
            int correct = 0;
            for (int i = 0; i < n; i++) {
                correct += predicted[i] == labels[i] ? 1 : 0;
            }
            double accuracy = (double) correct / n;
            System.out.printf(
                    Locale.ROOT,
                    "embedded model: %.4f on the %d-image sample, %.4f recorded on the held-out set%n",
                    accuracy,
                    n,
                    recorded);
            // Binomial standard error at n = 300 is about 2 points: allow 3 of them.
            assertEquals(recorded, accuracy, 0.06, "accuracy on the committed sample");
        }
    }
}
