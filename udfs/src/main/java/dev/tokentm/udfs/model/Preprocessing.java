package dev.tokentm.udfs.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Objects;

/**
 * How a decoded RGB image in [0,1] becomes a model input: resize, center crop, then per-channel
 * {@code (x - mean) / std}. Mirrors timm's data config ({@code input_size}, {@code crop_pct},
 * {@code interpolation}, {@code mean}, {@code std}) and Hugging Face's image processor ({@code size},
 * {@code image_mean}, {@code image_std}, which resizes straight to the input size).
 *
 * @param resizeSize the size the image is resized to before cropping: its shorter side with
 *     {@link ResizeMode#SHORTER_SIDE}, both sides with {@link ResizeMode#EXACT}
 * @param cropSize the side of the center crop; equals the model's image size
 * @param resizeMode how {@code resizeSize} applies
 * @param interpolation "bicubic", "bilinear" or "nearest"
 * @param mean per-channel mean, one value per input channel
 * @param std per-channel standard deviation, one value per input channel
 */
public record Preprocessing(
        int resizeSize, int cropSize, ResizeMode resizeMode, String interpolation, double[] mean, double[] std) {

    /** How the resize step treats the aspect ratio. */
    public enum ResizeMode {
        /** Resize the shorter side to {@code resizeSize}, keeping the aspect ratio (timm). */
        SHORTER_SIDE,
        /** Resize both sides to {@code resizeSize}, ignoring the aspect ratio (Hugging Face). */
        EXACT
    }

    /** ImageNet channel means, the timm default. */
    public static final double[] IMAGENET_MEAN = {0.485, 0.456, 0.406};
    /** ImageNet channel standard deviations, the timm default. */
    public static final double[] IMAGENET_STD = {0.229, 0.224, 0.225};

    public Preprocessing {
        Objects.requireNonNull(resizeMode, "resizeMode");
        Objects.requireNonNull(interpolation, "interpolation");
        Objects.requireNonNull(mean, "mean");
        Objects.requireNonNull(std, "std");
        if (cropSize <= 0 || resizeSize < cropSize) {
            throw new IllegalArgumentException("preprocessing needs 0 < crop size <= resize size, got crop " + cropSize
                    + " and resize " + resizeSize);
        }
        if (!interpolation.equals("bicubic") && !interpolation.equals("bilinear") && !interpolation.equals("nearest")) {
            throw new IllegalArgumentException(
                    "interpolation must be bicubic, bilinear or nearest, got '" + interpolation + "'");
        }
        if (mean.length != std.length || mean.length == 0) {
            throw new IllegalArgumentException(
                    "mean and std need one value per channel, got " + mean.length + " and " + std.length);
        }
        for (double s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("std values must be positive, got " + Arrays.toString(std));
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** timm's default: resize the shorter side to {@code imageSize / 0.875}, bicubic, ImageNet statistics. */
    public static Preprocessing timmDefault(int imageSize) {
        return new Preprocessing(
                (int) Math.floor(imageSize / 0.875),
                imageSize,
                ResizeMode.SHORTER_SIDE,
                "bicubic",
                IMAGENET_MEAN,
                IMAGENET_STD);
    }

    /** Resize straight to the image size with the given statistics (Hugging Face's ViT processor). */
    public static Preprocessing exact(int imageSize, double[] mean, double[] std) {
        return new Preprocessing(imageSize, imageSize, ResizeMode.EXACT, "bilinear", mean, std);
    }

    /**
     * {@code (x − mean) / std} per channel, for images {@code [B, C, H, W]} already resized and
     * cropped, with values in [0,1]. The result belongs to the images' manager.
     */
    public NDArray normalize(NDArray images) {
        NDManager manager = images.getManager();
        return images.sub(channels(manager, mean, images)).div(channels(manager, std, images));
    }

    private static NDArray channels(NDManager manager, double[] values, NDArray like) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return manager.create(f, new Shape(1, f.length, 1, 1)).toType(like.getDataType(), false);
    }

    /** The crop fraction timm calls {@code crop_pct}. */
    public double cropFraction() {
        return (double) cropSize / resizeSize;
    }

    @Override
    public double[] mean() {
        return mean.clone();
    }

    @Override
    public double[] std() {
        return std.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Preprocessing p
                && resizeSize == p.resizeSize
                && cropSize == p.cropSize
                && resizeMode == p.resizeMode
                && interpolation.equals(p.interpolation)
                && Arrays.equals(mean, p.mean)
                && Arrays.equals(std, p.std);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                resizeSize, cropSize, resizeMode, interpolation, Arrays.hashCode(mean), Arrays.hashCode(std));
    }

    @Override
    public String toString() {
        return "Preprocessing[resize=" + resizeSize + " (" + resizeMode + ", " + interpolation + "), crop=" + cropSize
                + ", mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
    }
}
