package dev.tokentm.udfs.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.tokentm.udfs.model.TargetClasses;
import dev.tokentm.udfs.model.TracePoint;
import dev.tokentm.udfs.model.TraceRequest;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.model.VitTrace;

/**
 * The path integrals of Integrated Gradients and Beyond Intuition: the gradient of each image's
 * class score at one recorded tensor, summed over copies of the batch scaled by {@code α}. The
 * copies go through the model together, up to {@code maxBatch} images per forward and backward
 * pass.
 */
final class ScaledPasses {

    private ScaledPasses() {}

    /**
     * {@code Σ_α ∂y_c(α·x)/∂t} for the tensor {@code t} at {@code point} of block {@code block}.
     *
     * @param images {@code [B, C, H, W]}
     * @param classes the class per image
     * @return the sum, shaped as the tensor ({@code [B, ...]}), in {@code scope}
     */
    static NDArray gradientSum(
            VisionTransformer model,
            NDArray images,
            int[] classes,
            double[] alphas,
            int maxBatch,
            TracePoint point,
            int block,
            NDManager scope) {
        int batch = classes.length;
        int perPass = Math.max(1, maxBatch / batch);
        NDArray sum = null;
        for (int first = 0; first < alphas.length; first += perPass) {
            int last = Math.min(alphas.length, first + perPass);
            try (NDManager pass = scope.newSubManager()) {
                pass.tempAttachAll(images); // the scaled copies land in this pass, not the caller's manager
                NDList scaled = new NDList();
                int[] tiled = new int[(last - first) * batch];
                for (int k = first; k < last; k++) {
                    NDArray alpha = pass.create((float) alphas[k]).toType(images.getDataType(), false);
                    scaled.add(images.mul(alpha));
                    System.arraycopy(classes, 0, tiled, (k - first) * batch, batch);
                }
                TraceRequest request =
                        TraceRequest.reading(point).andGradientsAt(point).forTargets(TargetClasses.of(tiled));
                try (VitTrace trace = model.trace(NDArrays.concat(scaled, 0), request)) {
                    NDArray gradient = trace.block(block).gradient(point);
                    long[] shape = gradient.getShape().getShape();
                    long[] split = new long[shape.length + 1];
                    split[0] = last - first;
                    split[1] = batch;
                    System.arraycopy(shape, 1, split, 2, shape.length - 1);
                    NDArray part = gradient.reshape(split).sum(new int[] {0});
                    part.attach(scope);
                    sum = sum == null ? part : sum.add(part);
                }
            }
        }
        return sum;
    }

    /** {@code k/m} for {@code k = 1..m}: the right Riemann sum. */
    static double[] rightRiemann(int steps) {
        double[] a = new double[steps];
        for (int k = 1; k <= steps; k++) {
            a[k - 1] = (double) k / steps;
        }
        return a;
    }

    /** {@code steps} evenly spaced values from 0 to 1, both included ({@code numpy.linspace}). */
    static double[] linspace(int steps) {
        double[] a = new double[steps];
        for (int k = 0; k < steps; k++) {
            a[k] = steps == 1 ? 0 : (double) k / (steps - 1);
        }
        return a;
    }
}
