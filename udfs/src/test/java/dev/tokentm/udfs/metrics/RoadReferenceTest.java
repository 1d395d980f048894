package dev.tokentm.udfs.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tokentm.udfs.checkpoint.Safetensors;
import dev.tokentm.udfs.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ROAD's imputation without noise against the authors' own (shared/reference/road:
 * tleemann/road_evaluation's NoisyLinearImputer with noise 0, scipy's direct sparse solve) on 2
 * images per size with 6 masks each (MoRF and LeRF at 10%, 50% and 90% removed), at the tolerance
 * the job uses: relative L2 below 1e-4 over the whole image and over the imputed pixels alone, on
 * the CPU solver and on the NDArray (GPU) path.
 */
class RoadReferenceTest {

    private static final NoisyLinearImputer PLAIN =
            new NoisyLinearImputer(0, NoisyLinearImputer.road().tolerance(), 500);

    @ParameterizedTest
    @ValueSource(ints = {64, 224})
    void theCpuSolverEqualsTheAuthorsImputation(int side) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            Reference r = Reference.load(manager, side);
            NDArray imputed = PLAIN.imputeOnCpu(r.imageBatch(), r.maskBatch(), new long[12]);
            r.assertEqual(imputed.toFloatArray(), "CPU solver");
        }
    }

    @Test
    void theNDArrayPathEqualsTheAuthorsImputation() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            Reference r = Reference.load(manager, 64);
            NDArray imputed = PLAIN.imputeWithNDArrays(r.imageBatch(), r.maskBatch(), new long[12]);
            r.assertEqual(imputed.toFloatArray(), "NDArray path");
        }
    }

    /** The reference's 2 images x 6 masks as a batch of 12, and what the authors' code made of them. */
    private record Reference(int side, float[] images, float[] masks, float[] expected, NDManager manager) {

        static Reference load(NDManager manager, int side) throws IOException {
            byte[] bytes = Files.readAllBytes(SharedData.require("reference/road/road.safetensors"));
            Map<String, NDArray> t =
                    Safetensors.read(bytes, manager, "road.safetensors").tensors();
            int plane = side * side;
            float[] images = t.get("images_" + side).toFloatArray();
            float[] tiled = new float[12 * 3 * plane];
            for (int b = 0; b < 2; b++) {
                for (int m = 0; m < 6; m++) {
                    System.arraycopy(images, b * 3 * plane, tiled, (b * 6 + m) * 3 * plane, 3 * plane);
                }
            }
            return new Reference(
                    side,
                    tiled,
                    t.get("masks_" + side).toFloatArray(),
                    t.get("imputed_" + side).toFloatArray(),
                    manager);
        }

        NDArray imageBatch() {
            return manager.create(images, new Shape(12, 3, side, side));
        }

        NDArray maskBatch() {
            return manager.create(masks, new Shape(12, 1, side, side));
        }

        void assertEqual(float[] actual, String what) {
            int plane = side * side;
            for (int n = 0; n < 12; n++) {
                double all = 0;
                double allNorm = 0;
                double imputed = 0;
                double imputedNorm = 0;
                for (int c = 0; c < 3; c++) {
                    for (int i = 0; i < plane; i++) {
                        int at = (n * 3 + c) * plane + i;
                        double d = actual[at] - expected[at];
                        all += d * d;
                        allNorm += expected[at] * expected[at];
                        if (masks[n * plane + i] == 0) {
                            imputed += d * d;
                            imputedNorm += expected[at] * expected[at];
                        }
                    }
                }
                double relative = Math.sqrt(all / allNorm);
                double relativeImputed = Math.sqrt(imputed / imputedNorm);
                String where = what + ", " + side + " px, image " + n / 6 + ", mask " + n % 6 + ": relative L2 "
                        + relative + ", on the imputed pixels " + relativeImputed;
                assertTrue(relative < 1e-4 && relativeImputed < 1e-4, where);
            }
        }
    }
}
