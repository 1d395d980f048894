package dev.tokentm.udfs.image;

/**
 * Separable resizing of float planes as Pillow does it, which is what timm and Hugging Face
 * preprocessing use: the filter is widened by the scale factor when shrinking (antialiasing),
 * weights are normalized per output pixel, and pixel centres sit at {@code i + 0.5}.
 */
public final class Resampler {

    /** The interpolation filter. */
    public enum Filter {
        NEAREST(0.5),
        BILINEAR(1.0),
        /** Keys' cubic with a = −0.5 (Pillow's bicubic). */
        BICUBIC(2.0);

        final double support;

        Filter(double support) {
            this.support = support;
        }

        double weight(double x) {
            double t = Math.abs(x);
            return switch (this) {
                case NEAREST -> 0;
                case BILINEAR -> t < 1 ? 1 - t : 0;
                case BICUBIC -> t < 1 ? (1.5 * t - 2.5) * t * t + 1 : t < 2 ? ((-0.5 * t + 2.5) * t - 4) * t + 2 : 0;
            };
        }

        public static Filter of(String name) {
            return switch (name) {
                case "nearest" -> NEAREST;
                case "bilinear" -> BILINEAR;
                case "bicubic" -> BICUBIC;
                default -> throw new IllegalArgumentException("unknown interpolation '" + name + "'");
            };
        }
    }

    private Resampler() {}

    /**
     * Resizes {@code planes} planes of {@code width × height} (plane-major) to {@code outWidth × outHeight}.
     */
    public static float[] resize(
            float[] src, int planes, int width, int height, int outWidth, int outHeight, Filter filter) {
        if (src.length != planes * width * height) {
            throw new IllegalArgumentException(
                    src.length + " values are not " + planes + " planes of " + width + "x" + height);
        }
        float[] horizontal = new float[planes * height * outWidth];
        Taps tx = Taps.of(width, outWidth, filter);
        for (int p = 0; p < planes * height; p++) {
            tx.apply(src, p * width, 1, horizontal, p * outWidth, 1);
        }
        float[] out = new float[planes * outHeight * outWidth];
        Taps ty = Taps.of(height, outHeight, filter);
        for (int p = 0; p < planes; p++) {
            for (int x = 0; x < outWidth; x++) {
                ty.apply(horizontal, p * height * outWidth + x, outWidth, out, p * outHeight * outWidth + x, outWidth);
            }
        }
        return out;
    }

    /** For each output position, the first input index and the normalized weights. */
    private record Taps(int[] first, double[][] weights) {

        static Taps of(int in, int out, Filter filter) {
            double scale = (double) in / out;
            int[] first = new int[out];
            double[][] weights = new double[out][];
            for (int i = 0; i < out; i++) {
                double center = (i + 0.5) * scale;
                if (filter == Filter.NEAREST) {
                    first[i] = Math.min((int) Math.floor(center), in - 1);
                    weights[i] = new double[] {1};
                    continue;
                }
                double stretch = Math.max(scale, 1.0);
                double support = filter.support * stretch;
                int lo = Math.max(0, (int) (center - support + 0.5));
                int hi = Math.min(in, (int) (center + support + 0.5));
                double[] w = new double[Math.max(1, hi - lo)];
                double total = 0;
                for (int j = 0; j < hi - lo; j++) {
                    w[j] = filter.weight((lo + j - center + 0.5) / stretch);
                    total += w[j];
                }
                if (total == 0) {
                    lo = Math.min((int) center, in - 1);
                    w = new double[] {1};
                    total = 1;
                }
                for (int j = 0; j < w.length; j++) {
                    w[j] /= total;
                }
                first[i] = lo;
                weights[i] = w;
            }
            return new Taps(first, weights);
        }

        void apply(float[] src, int srcOffset, int srcStride, float[] dst, int dstOffset, int dstStride) {
            for (int i = 0; i < first.length; i++) {
                double v = 0;
                double[] w = weights[i];
                int base = srcOffset + first[i] * srcStride;
                for (int j = 0; j < w.length; j++) {
                    v += w[j] * src[base + j * srcStride];
                }
                dst[dstOffset + i * dstStride] = (float) v;
            }
        }
    }
}
