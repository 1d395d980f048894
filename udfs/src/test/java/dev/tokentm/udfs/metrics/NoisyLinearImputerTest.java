package dev.tokentm.udfs.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * ROAD's noisy linear imputation against hand solutions and its own linear system: one removed
 * pixel is its neighbours' 1/6-1/12 weighted mean, a removed corner uses its in-image neighbours
 * only, 60% removed pixels in random regions solve the joint linear system to 1e-6 with known
 * pixels untouched, the noise is seeded, 0.01 strong and only on removed pixels, and only the
 * result is left in the caller's NDManager.
 */
class NoisyLinearImputerTest {

    private static final NoisyLinearImputer PLAIN = new NoisyLinearImputer(0, 1e-12, 1000);

    /** Neighbour weights by offset (dy, dx): 1/6 edge, 1/12 corner. */
    private static double weight(int dy, int dx) {
        return dy != 0 && dx != 0 ? 1.0 / 12 : 1.0 / 6;
    }

    @Test
    void oneRemovedPixelIsTheWeightedMeanOfItsNeighbours() {
        try (NDManager m = NDManager.newBaseManager()) {
            double[] v = {1, 2, 3, 4, 100, 6, 7, 8, 9};
            double[] keep = {1, 1, 1, 1, 0, 1, 1, 1, 1};
            double[] out = PLAIN.impute(m.create(v, new Shape(1, 1, 3, 3)), m.create(keep, new Shape(1, 1, 3, 3)), 1)
                    .toDoubleArray();
            // (1 + 3 + 7 + 9) / 12 + (2 + 4 + 6 + 8) / 6 = 20/12 + 20/6 = 5
            assertEquals(5.0, out[4], 1e-12);
            for (int i = 0; i < 9; i++) {
                if (i != 4) {
                    assertEquals(v[i], out[i], 0.0, "known pixel " + i + " untouched");
                }
            }
        }
    }

    @Test
    void aRemovedCornerUsesOnlyItsInImageNeighbours() {
        try (NDManager m = NDManager.newBaseManager()) {
            double[] v = {50, 2, 3, 4, 5, 6, 7, 8, 9};
            double[] keep = {0, 1, 1, 1, 1, 1, 1, 1, 1};
            double[] out = PLAIN.impute(m.create(v, new Shape(1, 1, 3, 3)), m.create(keep, new Shape(1, 1, 3, 3)), 1)
                    .toDoubleArray();
            // neighbours 2 (edge), 4 (edge), 5 (corner): (2/6 + 4/6 + 5/12) / (1/6 + 1/6 + 1/12)
            assertEquals((2 / 6.0 + 4 / 6.0 + 5 / 12.0) / (5 / 12.0), out[0], 1e-12);
        }
    }

    @Test
    void removedPixelsSolveTheJointSystemAndKnownPixelsAreUntouched() {
        int b = 2;
        int c = 3;
        int h = 9;
        int w = 7;
        Random random = new Random(5);
        double[] v = new double[b * c * h * w];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextDouble();
        }
        double[] keep = new double[b * h * w];
        for (int i = 0; i < keep.length; i++) {
            keep[i] = random.nextDouble() < 0.6 ? 0 : 1; // 60% removed: large connected regions
        }
        keep[0] = 1; // each image keeps at least one pixel
        keep[h * w] = 1;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray images = m.create(v, new Shape(b, c, h, w));
            NDArray mask = m.create(keep, new Shape(b, 1, h, w));
            double[] x = new NoisyLinearImputer(0, 1e-10, 2000)
                    .impute(images, mask, 1)
                    .toDoubleArray();
            double worst = 0;
            for (int n = 0; n < b; n++) {
                for (int ch = 0; ch < c; ch++) {
                    for (int y = 0; y < h; y++) {
                        for (int xx = 0; xx < w; xx++) {
                            int i = ((n * c + ch) * h + y) * w + xx;
                            if (keep[(n * h + y) * w + xx] == 1) {
                                assertEquals(v[i], x[i], 0.0, "known pixel untouched");
                                continue;
                            }
                            double s = 0;
                            double sum = 0;
                            for (int dy = -1; dy <= 1; dy++) {
                                for (int dx = -1; dx <= 1; dx++) {
                                    int yy = y + dy;
                                    int xn = xx + dx;
                                    if ((dy != 0 || dx != 0) && yy >= 0 && yy < h && xn >= 0 && xn < w) {
                                        s += weight(dy, dx);
                                        sum += weight(dy, dx) * x[((n * c + ch) * h + yy) * w + xn];
                                    }
                                }
                            }
                            worst = Math.max(worst, Math.abs(s * x[i] - sum));
                        }
                    }
                }
            }
            assertTrue(worst < 1e-6, "largest residual of the linear system " + worst);
        }
    }

    @Test
    void noiseIsSeededAndOnlyOnRemovedPixels() {
        try (NDManager m = NDManager.newBaseManager()) {
            double[] v = new double[2 * 16 * 16];
            java.util.Arrays.fill(v, 0.5);
            double[] keep = new double[16 * 16];
            for (int i = 0; i < keep.length; i++) {
                keep[i] = i % 3 == 0 ? 1 : 0;
            }
            NDArray images = m.create(v, new Shape(1, 2, 16, 16)).toType(DataType.FLOAT32, false);
            NDArray mask = m.create(keep, new Shape(1, 1, 16, 16));
            NoisyLinearImputer road = NoisyLinearImputer.road();
            float[] a = road.impute(images, mask, 42).toFloatArray();
            float[] again = road.impute(images, mask, 42).toFloatArray();
            float[] other = road.impute(images, mask, 43).toFloatArray();
            assertArrayEquals(a, again, 0f, "same seed, same images");
            double sq = 0;
            int removed = 0;
            boolean differs = false;
            for (int i = 0; i < a.length; i++) {
                if (keep[i % 256] == 1) {
                    assertEquals(0.5f, a[i], 0f, "known pixel untouched");
                } else {
                    // A constant image imputes to the constant; what remains is the noise.
                    sq += (a[i] - 0.5) * (a[i] - 0.5);
                    removed++;
                    differs |= a[i] != other[i];
                }
            }
            double sd = Math.sqrt(sq / removed);
            assertTrue(sd > 0.008 && sd < 0.012, "noise sd " + sd + " over " + removed + " pixels, expected 0.01");
            assertTrue(differs, "another seed, other noise");
            assertEquals(DataType.FLOAT32, road.impute(images, mask, 1).getDataType());
            int before = m.getManagedArrays().size();
            NDArray result = road.impute(images, mask, 7);
            assertEquals(before + 1, m.getManagedArrays().size(), "only the result is left in the caller's manager");
            result.close();
        }
    }
}
