package dev.tokentm.udfs.image;

/**
 * Bilinear resizing of a heatmap exactly as PyTorch's {@code F.interpolate(mode="bilinear",
 * align_corners=False)}, which the published evaluation code uses: output pixel centres map to
 * {@code src = (dst + 0.5) · in/out − 0.5}, clamped at 0, and the two nearest input pixels per axis
 * are blended.
 */
public final class BilinearUpsampler {

    private BilinearUpsampler() {}

    /**
     * @param map row-major {@code inHeight × inWidth}
     * @return row-major {@code outHeight × outWidth}
     */
    public static double[] resize(float[] map, int inHeight, int inWidth, int outHeight, int outWidth) {
        double[] wide = new double[map.length];
        for (int i = 0; i < map.length; i++) {
            wide[i] = map[i];
        }
        return resize(wide, inHeight, inWidth, outHeight, outWidth);
    }

    /** {@link #resize(float[], int, int, int, int)} of a map in double precision. */
    public static double[] resize(double[] map, int inHeight, int inWidth, int outHeight, int outWidth) {
        if (map.length != inHeight * inWidth) {
            throw new IllegalArgumentException("map has " + map.length + " values, not " + inHeight + "x" + inWidth);
        }
        int[] y0 = new int[outHeight];
        int[] y1 = new int[outHeight];
        double[] wy = new double[outHeight];
        axis(inHeight, outHeight, y0, y1, wy);
        int[] x0 = new int[outWidth];
        int[] x1 = new int[outWidth];
        double[] wx = new double[outWidth];
        axis(inWidth, outWidth, x0, x1, wx);
        double[] out = new double[outHeight * outWidth];
        for (int y = 0; y < outHeight; y++) {
            int r0 = y0[y] * inWidth;
            int r1 = y1[y] * inWidth;
            for (int x = 0; x < outWidth; x++) {
                double top = map[r0 + x0[x]] * (1 - wx[x]) + map[r0 + x1[x]] * wx[x];
                double bottom = map[r1 + x0[x]] * (1 - wx[x]) + map[r1 + x1[x]] * wx[x];
                out[y * outWidth + x] = top * (1 - wy[y]) + bottom * wy[y];
            }
        }
        return out;
    }

    /**
     * The same resizing along one axis as a matrix, {@code [out, in]} row-major: {@code y = W x}
     * resizes a column; {@code W F Wᵀ} a square map.
     */
    public static double[] weights(int in, int out) {
        int[] lo = new int[out];
        int[] hi = new int[out];
        double[] weight = new double[out];
        axis(in, out, lo, hi, weight);
        double[] w = new double[out * in];
        for (int d = 0; d < out; d++) {
            w[d * in + lo[d]] += 1 - weight[d];
            w[d * in + hi[d]] += weight[d];
        }
        return w;
    }

    private static void axis(int in, int out, int[] lo, int[] hi, double[] weight) {
        double scale = (double) in / out;
        for (int d = 0; d < out; d++) {
            double src = Math.max(scale * (d + 0.5) - 0.5, 0);
            int i0 = Math.min((int) src, in - 1);
            lo[d] = i0;
            hi[d] = i0 < in - 1 ? i0 + 1 : i0;
            weight[d] = src - i0;
        }
    }
}
