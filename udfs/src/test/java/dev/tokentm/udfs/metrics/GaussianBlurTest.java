package dev.tokentm.udfs.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/**
 * The blur keeps constant images, spreads a point as the Gaussian and replaces only removed
 * pixels.
 */
class GaussianBlurTest {

    @Test
    void keepsConstantImagesAndSpreadsAPointByTheGaussian() {
        try (NDManager m = NDManager.newBaseManager()) {
            int side = 32;
            GaussianBlur blur = new GaussianBlur(2.0 / side); // sigma 2 pixels
            float[] constant = new float[side * side];
            java.util.Arrays.fill(constant, 0.3f);
            float[] out =
                    blur.blur(m.create(constant, new Shape(1, 1, side, side))).toFloatArray();
            float[] expected = constant.clone();
            assertArrayEquals(expected, out, 1e-6f, "renormalized at the border: no darkening");

            float[] point = new float[side * side];
            point[16 * side + 16] = 1;
            float[] spread =
                    blur.blur(m.create(point, new Shape(1, 1, side, side))).toFloatArray();
            double total = 0;
            for (float v : spread) {
                total += v;
            }
            assertEquals(1, total, 1e-5, "mass is kept away from the border");
            // Separable Gaussian: the ratio of the centre to a pixel one step away is exp(1/(2 sigma^2)).
            assertEquals(Math.exp(1 / 8.0), spread[16 * side + 16] / spread[16 * side + 17], 1e-4);
        }
    }

    @Test
    void replacesOnlyRemovedPixels() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] v = new float[2 * 16 * 16];
            for (int i = 0; i < v.length; i++) {
                v[i] = (i * 37 % 101) / 101f;
            }
            NDArray images = m.create(v, new Shape(1, 2, 16, 16));
            float[] keep = new float[16 * 16];
            for (int i = 0; i < keep.length; i += 3) {
                keep[i] = 1;
            }
            GaussianBlur blur = GaussianBlur.rise();
            NDArray keepMask = m.create(keep, new Shape(1, 1, 16, 16));
            int before = m.getManagedArrays().size();
            float[] out = blur.apply(images, keepMask, new long[1]).toFloatArray();
            assertEquals(before + 1, m.getManagedArrays().size(), "only the result stays in the caller's manager");
            float[] blurred = blur.blur(images).toFloatArray();
            for (int c = 0; c < 2; c++) {
                for (int p = 0; p < 256; p++) {
                    float expected = keep[p] == 1 ? v[c * 256 + p] : blurred[c * 256 + p];
                    assertEquals(expected, out[c * 256 + p], 1e-6f);
                }
            }
        }
    }
}
