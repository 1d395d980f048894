package dev.tokentm.udfs.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/**
 * Resizing against Pillow 9.4 (Debian's python3-pil), which timm's and Hugging Face's
 * preprocessing use: {@code Image.new('F', (7, 5))} holding {@code ((3x + 5y) % 11) / 10}, resized
 * with each filter (bilinear and bicubic, shrinking with its antialiasing and enlarging, nearest).
 */
class ResamplerTest {

    private static float[] source() {
        float[] v = new float[7 * 5];
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 7; x++) {
                v[y * 7 + x] = ((x * 3 + y * 5) % 11) / 10f;
            }
        }
        return v;
    }

    @Test
    void shrinkingMatchesPillowWithItsAntialiasing() {
        assertArrayEquals(
                new float[] {0.450000f, 0.464706f, 0.464286f, 0.560714f, 0.541176f, 0.439286f},
                Resampler.resize(source(), 1, 7, 5, 3, 2, Resampler.Filter.BILINEAR),
                2e-6f);
        assertArrayEquals(
                new float[] {0.448135f, 0.449521f, 0.466524f, 0.570675f, 0.554655f, 0.427438f},
                Resampler.resize(source(), 1, 7, 5, 3, 2, Resampler.Filter.BICUBIC),
                2e-6f);
        assertArrayEquals(
                new float[] {0.8f, 0.3f, 0.9f, 0.7f, 0.2f, 0.8f},
                Resampler.resize(source(), 1, 7, 5, 3, 2, Resampler.Filter.NEAREST),
                1e-7f);
    }

    @Test
    void enlargingMatchesPillow() {
        float[] bilinear = Resampler.resize(source(), 1, 7, 5, 10, 8, Resampler.Filter.BILINEAR);
        assertArrayEquals(
                new float[] {
                    0.000000f, 0.165000f, 0.375000f, 0.585000f, 0.795000f, 0.620000f, 0.115000f, 0.325000f, 0.535000f,
                    0.700000f
                },
                java.util.Arrays.copyOfRange(bilinear, 0, 10),
                2e-6f);
        assertArrayEquals(
                new float[] {
                    0.900000f, 0.460000f, 0.175000f, 0.385000f, 0.595000f, 0.805000f, 0.960000f, 0.400000f, 0.335000f,
                    0.500000f
                },
                java.util.Arrays.copyOfRange(bilinear, 70, 80),
                2e-6f);
        float[] bicubic = Resampler.resize(source(), 1, 7, 5, 10, 8, Resampler.Filter.BICUBIC);
        assertArrayEquals(
                new float[] {
                    -0.054149f,
                    0.099390f,
                    0.355100f,
                    0.625908f,
                    0.928508f,
                    0.675709f,
                    0.052324f,
                    0.255820f,
                    0.560538f,
                    0.766139f
                },
                java.util.Arrays.copyOfRange(bicubic, 0, 10),
                2e-6f);
        assertArrayEquals(
                new float[] {
                    0.391879f,
                    0.543062f,
                    0.797028f,
                    1.008476f,
                    0.451726f,
                    0.219087f,
                    0.482932f,
                    0.791289f,
                    0.450178f,
                    -0.038406f
                },
                java.util.Arrays.copyOfRange(bicubic, 50, 60),
                2e-6f);
    }

    @Test
    void planesAreResizedIndependently() {
        float[] two = new float[2 * 35];
        float[] one = source();
        System.arraycopy(one, 0, two, 0, 35);
        for (int i = 0; i < 35; i++) {
            two[35 + i] = 1 - one[i];
        }
        float[] both = Resampler.resize(two, 2, 7, 5, 3, 2, Resampler.Filter.BICUBIC);
        float[] first = Resampler.resize(one, 1, 7, 5, 3, 2, Resampler.Filter.BICUBIC);
        for (int i = 0; i < 6; i++) {
            org.junit.jupiter.api.Assertions.assertEquals(first[i], both[i], 1e-7f);
            org.junit.jupiter.api.Assertions.assertEquals(1 - first[i], both[6 + i], 1e-6f); // weights sum to 1
        }
    }
}
