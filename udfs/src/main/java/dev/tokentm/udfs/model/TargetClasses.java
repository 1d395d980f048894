package dev.tokentm.udfs.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * Which class score each image's gradients are taken of. Chosen after the forward pass, so the
 * predicted class costs no second pass.
 */
@FunctionalInterface
public interface TargetClasses {

    /**
     * @param logits the batch's logits, {@code [B, classes]}
     * @return one class index per image
     */
    int[] select(NDArray logits);

    /** Each image's highest-scoring class. */
    static TargetClasses predicted() {
        return logits -> toInts(logits.argMax(1));
    }

    /** Labels where known (label >= 0); the predicted class for images without one. */
    static TargetClasses labelsOrPredicted(int[] labels) {
        int[] copy = labels.clone();
        return logits -> {
            int[] predicted = predicted().select(logits);
            for (int i = 0; i < copy.length; i++) {
                if (copy[i] >= 0) {
                    predicted[i] = copy[i];
                }
            }
            return of(predicted).select(logits);
        };
    }

    /** Given classes, one per image (labels, or any index). */
    static TargetClasses of(int... classes) {
        int[] copy = classes.clone();
        return logits -> {
            long batch = logits.getShape().get(0);
            if (copy.length != batch) {
                throw new IllegalArgumentException(
                        "need one target class per image: " + batch + " images, " + copy.length + " targets");
            }
            long numClasses = logits.getShape().get(1);
            for (int c : copy) {
                if (c < 0 || c >= numClasses) {
                    throw new IllegalArgumentException("target class " + c + " is outside 0.." + (numClasses - 1)
                            + " in " + Arrays.toString(copy));
                }
            }
            return copy.clone();
        };
    }

    /**
     * One row per image with 1 at its class and 0 elsewhere, {@code [B, numClasses]}, in
     * {@code like}'s data type and on its device, owned by {@code manager}.
     */
    static NDArray oneHot(NDManager manager, int[] classes, long numClasses, NDArray like) {
        float[] rows = new float[Math.toIntExact(classes.length * numClasses)];
        for (int i = 0; i < classes.length; i++) {
            rows[Math.toIntExact(i * numClasses + classes[i])] = 1f;
        }
        return manager.create(rows, new Shape(classes.length, numClasses))
                .toType(like.getDataType(), false)
                .toDevice(like.getDevice(), false);
    }

    private static int[] toInts(NDArray indices) {
        long[] longs = indices.toLongArray();
        int[] ints = new int[longs.length];
        for (int i = 0; i < longs.length; i++) {
            ints[i] = Math.toIntExact(longs[i]);
        }
        return ints;
    }
}
