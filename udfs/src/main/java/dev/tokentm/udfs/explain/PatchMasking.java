package dev.tokentm.udfs.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.model.VitConfig;

/**
 * The class score of one image with some patches kept and the rest set to 0 in normalized space,
 * for many patch masks at once: the coalition values of patch Shapley values. Masks go through the
 * model {@code maxBatch} at a time.
 */
final class PatchMasking {

    private PatchMasking() {}

    /**
     * @param image one normalized image {@code [1, C, H, W]} (or {@code [C, H, W]})
     * @param keep {@code count × P} row-major, 1 where a patch is kept, 0 where it is zeroed
     * @return the class's logit per mask
     */
    static double[] logits(
            VisionTransformer model, NDArray image, int cls, float[] keep, int count, int maxBatch, NDManager scope) {
        VitConfig c = model.config();
        int g = c.gridSize();
        int p = c.patchSize();
        int patches = g * g;
        double[] values = new double[count];
        for (int first = 0; first < count; first += maxBatch) {
            int m = Math.min(maxBatch, count - first);
            try (NDManager pass = scope.newSubManager()) {
                float[] chunk = new float[m * patches];
                System.arraycopy(keep, first * patches, chunk, 0, m * patches);
                NDArray masks = pass.create(chunk, new Shape(m, 1, g, 1, g, 1))
                        .toType(image.getDataType(), false)
                        .broadcast(m, 1, g, p, g, p)
                        .reshape(m, 1, (long) g * p, (long) g * p);
                NDArray x = image.reshape(1, c.channels(), c.imageSize(), c.imageSize());
                x.attach(pass);
                NDArray logits = model.logits(masks.mul(x));
                double[] column =
                        logits.get(":, " + cls).toType(DataType.FLOAT64, false).toDoubleArray();
                System.arraycopy(column, 0, values, first, m);
            }
        }
        return values;
    }
}
