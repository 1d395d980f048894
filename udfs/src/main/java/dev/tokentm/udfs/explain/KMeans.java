package dev.tokentm.udfs.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tokentm.udfs.random.Permutations;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Lloyd's k-means on NDArrays, as fast_pytorch_kmeans (0.1.6, DeMoriarty) runs it for TIS: the centroids
 * start at k distinct points drawn uniformly, then each point goes to its nearest centroid (Euclidean) and
 * each centroid becomes the mean of its points, until the centroids move by at most {@code tolerance} in
 * summed squared distance, or after {@code maxIterations}. One matrix product per iteration, on the points'
 * device. A centroid that loses every point stays where it was (fast_pytorch_kmeans sets it to 0, which
 * leaves its mask to ties).
 */
final class KMeans {

    /** fast_pytorch_kmeans's defaults. */
    static final int MAX_ITERATIONS = 100;

    static final double TOLERANCE = 1e-4;

    private KMeans() {}

    /**
     * The centroids of {@code points}.
     *
     * @param points {@code [M, F]}, M ≥ k
     * @return {@code [k, F]}, in the points' manager
     */
    static NDArray centroids(NDArray points, int k, long seed, int maxIterations, double tolerance) {
        long m = points.getShape().get(0);
        if (k < 1 || k > m) {
            throw new IllegalArgumentException("k-means needs 1 to " + m + " clusters for " + m + " points, got " + k);
        }
        NDManager out = points.getManager();
        long[] start = Arrays.stream(Permutations.shuffled(Math.toIntExact(m), new SplittableRandom(seed)))
                .limit(k)
                .asLongStream()
                .toArray();
        try (NDManager scope = out.newSubManager()) {
            NDArray x = points.duplicate();
            x.attach(scope);
            NDArray centroids = x.get(scope.create(start));
            NDArray pointNorms = x.square().sum(new int[] {1}, true); // [M, 1]
            NDArray clusters = scope.arange(k).toType(DataType.INT64, false).reshape(k, 1);
            for (int i = 0; i < maxIterations; i++) {
                try (NDManager step = scope.newSubManager()) {
                    centroids.attach(step);
                    NDArray distances = pointNorms
                            .sub(x.matMul(centroids.transpose()).mul(2))
                            .add(centroids.square().sum(new int[] {1}).reshape(1, k)); // [M, k]
                    NDArray nearest =
                            distances.argMin(1).toType(DataType.INT64, false).reshape(1, m);
                    NDArray members = clusters.eq(nearest).toType(x.getDataType(), false); // [k, M]
                    NDArray counts = members.sum(new int[] {1}, true); // [k, 1]
                    NDArray means = members.matMul(x).div(counts.maximum(1));
                    NDArray next =
                            ai.djl.ndarray.NDArrays.where(counts.gt(0).broadcast(means.getShape()), means, centroids);
                    double shift = next.sub(centroids)
                            .square()
                            .sum()
                            .toType(DataType.FLOAT64, false)
                            .getDouble();
                    next.attach(scope);
                    centroids = next;
                    if (shift <= tolerance) {
                        break;
                    }
                }
            }
            centroids.attach(out);
            return centroids;
        }
    }
}
