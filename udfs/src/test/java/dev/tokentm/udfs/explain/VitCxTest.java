package dev.tokentm.udfs.explain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tokentm.udfs.model.TargetClasses;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.model.VitConfig;
import dev.tokentm.udfs.testing.TestVits;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * ViT-CX: complete linkage (not chaining) with a strict threshold, noise seeded per image, values
 * in [0, 1] without noise.
 */
class VitCxTest {

    @Test
    void completeLinkageMergesOnlyWhatIsCloseToEveryMemberAndBelowTheThreshold() {
        // a-b and b-c are close, a-c is not: single linkage would chain all three, complete linkage
        // merges one pair; d is at exactly the threshold from c and stays apart (strictly below).
        double[][] distance = {
            {0, 0.05, 0.15, 0.9},
            {0.05, 0, 0.06, 0.9},
            {0.15, 0.06, 0, 0.1},
            {0.9, 0.9, 0.1, 0},
        };
        int[] labels = VitCx.completeLinkage(distance, 0.1);
        assertEquals(labels[0], labels[1], Arrays.toString(labels));
        assertTrue(labels[2] != labels[0] && labels[3] != labels[2], Arrays.toString(labels));
        assertEquals(3, Arrays.stream(labels).distinct().count());
        assertEquals(
                1, Arrays.stream(VitCx.completeLinkage(distance, 1)).distinct().count());
        assertEquals(
                4,
                Arrays.stream(VitCx.completeLinkage(distance, 0.01)).distinct().count());
    }

    @Test
    void noiseIsSeededPerImageAndWithoutNoiseTheMapIsAnAverageOfMaskedProbabilities() {
        VitConfig config = TestVits.smallGrid(2);
        try (VisionTransformer model = TestVits.random(config, 3, 0.3, DataType.FLOAT64);
                NDManager manager = NDManager.newBaseManager()) {
            NDArray images = TestVits.images(manager, config, 2, 9, DataType.FLOAT64);
            TargetClasses classes = TargetClasses.of(0, 2);
            double[] seed1 =
                    new VitCx(0.1, 0.1, 1, 64).explain(model, images, classes).toDoubleArray();
            double[] seed1Again =
                    new VitCx(0.1, 0.1, 1, 5).explain(model, images, classes).toDoubleArray();
            double[] seed2 =
                    new VitCx(0.1, 0.1, 2, 64).explain(model, images, classes).toDoubleArray();
            assertArrayEquals(seed1, seed1Again, 1e-12, "the passes' split does not change the noise");
            assertTrue(!Arrays.equals(seed1, seed2), "another seed, other noise");
            double[] quiet =
                    new VitCx(0, 0.1, 1, 64).explain(model, images, classes).toDoubleArray();
            double[] quietOtherSeed =
                    new VitCx(0, 0.1, 2, 64).explain(model, images, classes).toDoubleArray();
            assertArrayEquals(quiet, quietOtherSeed, 0, "without noise the seed does not matter");
            // Without noise each mask scores p_c(x ⊙ M) in [0, 1]; the map averages them over the masks
            // covering a pixel and divides by their number, so it lies in [0, 1].
            for (double v : quiet) {
                assertTrue(v >= 0 && v <= 1, "value " + v);
            }
        }
    }
}
