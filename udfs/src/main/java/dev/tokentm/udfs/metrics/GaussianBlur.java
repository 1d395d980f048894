package dev.tokentm.udfs.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

/**
 * A Gaussian blur as RISE's insertion baseline uses it (Petsiuk et al., BMVC 2018: kernel 11, sigma
 * 5 on 224-pixel images), with sigma scaled to the image's side ({@code sigma = 5/224 · side}). The
 * kernel is separable and truncated at 3 sigma; at the border the weights of pixels outside the
 * image are dropped and the rest renormalized, so edges are not darkened.
 *
 * @param sigmaPerSide sigma as a fraction of the image's side
 */
public record GaussianBlur(double sigmaPerSide) implements Removal {

    /** RISE's blur, scaled to the image's size. */
    public static GaussianBlur rise() {
        return new GaussianBlur(5.0 / 224);
    }

    public GaussianBlur {
        if (!(sigmaPerSide > 0)) {
            throw new IllegalArgumentException("blur sigma must be positive, got " + sigmaPerSide);
        }
    }

    @Override
    public String name() {
        return "blur";
    }

    /** Removed pixels take the blurred image's values. */
    @Override
    public NDArray apply(NDArray images, NDArray keep, long[] seeds) {
        NDManager caller = images.getManager();
        try (NDManager scope = caller.newSubManager()) {
            scope.tempAttachAll(images, keep);
            NDArray k = keep.toType(images.getDataType(), false);
            NDArray blurred = blur(images);
            NDArray result = images.mul(k).add(blurred.mul(k.neg().add(1f)));
            result.attach(caller);
            return result;
        }
    }

    /** The blurred images, {@code [B, C, H, W]}, in {@code images}' manager. */
    public NDArray blur(NDArray images) {
        Shape s = images.getShape();
        int channels = (int) s.get(1);
        int side = (int) Math.min(s.get(2), s.get(3));
        double sigma = sigmaPerSide * side;
        int radius = Math.max(1, (int) Math.ceil(3 * sigma));
        NDManager caller = images.getManager();
        try (NDManager scope = caller.newSubManager()) {
            scope.tempAttachAll(images);
            DataType type = images.getDataType();
            NDArray rows = kernel(scope, sigma, radius, channels, true, type);
            NDArray cols = kernel(scope, sigma, radius, channels, false, type);
            NDArray sum = separable(images, rows, cols, radius, channels);
            NDArray weight = separable(
                    scope.ones(new Shape(1, channels, s.get(2), s.get(3)), type), rows, cols, radius, channels);
            NDArray result = sum.div(weight);
            result.attach(caller);
            return result;
        }
    }

    private static NDArray separable(NDArray x, NDArray rows, NDArray cols, int radius, int channels) {
        NDArray h = Conv2d.conv2d(x, rows, null, new Shape(1, 1), new Shape(0, radius), new Shape(1, 1), channels)
                .singletonOrThrow();
        return Conv2d.conv2d(h, cols, null, new Shape(1, 1), new Shape(radius, 0), new Shape(1, 1), channels)
                .singletonOrThrow();
    }

    private static NDArray kernel(
            NDManager manager, double sigma, int radius, int channels, boolean horizontal, DataType type) {
        int size = 2 * radius + 1;
        double[] one = new double[size];
        double total = 0;
        for (int i = 0; i < size; i++) {
            one[i] = Math.exp(-0.5 * Math.pow((i - radius) / sigma, 2));
            total += one[i];
        }
        double[] all = new double[channels * size];
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < size; i++) {
                all[c * size + i] = one[i] / total;
            }
        }
        Shape shape = horizontal ? new Shape(channels, 1, 1, size) : new Shape(channels, 1, size, 1);
        return manager.create(all, shape).toType(type, false);
    }
}
