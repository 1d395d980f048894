package dev.tokentm.udfs.explain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** TIS's k-means: Lloyd's algorithm on hand-made points, and what it does with a cluster that empties. */
class KMeansTest {

    private static double[][] rows(NDArray centroids) {
        double[] flat = centroids.toType(DataType.FLOAT64, false).toDoubleArray();
        int f = Math.toIntExact(centroids.getShape().get(1));
        double[][] rows = new double[flat.length / f][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = Arrays.copyOfRange(flat, i * f, (i + 1) * f);
        }
        Arrays.sort(rows, (a, b) -> Double.compare(a[0], b[0]));
        return rows;
    }

    @Test
    void twoSeparateGroupsGiveTheirMeansFromAnyStart() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray points = m.create(new double[] {0, 0, 0, 1, 1, 0, 10, 10, 10, 11, 11, 10}, new Shape(6, 2));
            for (long seed = 0; seed < 20; seed++) {
                double[][] c = rows(KMeans.centroids(points, 2, seed, KMeans.MAX_ITERATIONS, KMeans.TOLERANCE));
                // A start with both centroids in one group still separates them after one assignment.
                assertArrayEquals(new double[] {1 / 3.0, 1 / 3.0}, c[0], 1e-12, "seed " + seed);
                assertArrayEquals(new double[] {31 / 3.0, 31 / 3.0}, c[1], 1e-12, "seed " + seed);
            }
        }
    }

    @Test
    void aCentroidThatLosesEveryPointStaysWhereItWas() {
        try (NDManager m = NDManager.newBaseManager()) {
            // Three identical points and one apart: two centroids starting on the identical points tie, the
            // first takes them all, the second is left with none and keeps its place (not NaN, not 0).
            NDArray points = m.create(new double[] {3, 3, 3, 9}, new Shape(4, 1));
            for (long seed = 0; seed < 20; seed++) {
                double[][] c = rows(KMeans.centroids(points, 3, seed, KMeans.MAX_ITERATIONS, KMeans.TOLERANCE));
                double[] values = Arrays.stream(c).mapToDouble(r -> r[0]).toArray();
                assertTrue(Arrays.stream(values).allMatch(v -> v == 3 || v == 9), Arrays.toString(values));
                assertEquals(9, values[2], 0, "the point apart is its own cluster: " + Arrays.toString(values));
            }
        }
    }

    @Test
    void moreClustersThanPointsAreRefused() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray points = m.create(new double[] {1, 2}, new Shape(2, 1));
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> KMeans.centroids(points, 3, 0, 10, 0));
            assertTrue(e.getMessage().contains("1 to 2 clusters"), e.getMessage());
        }
    }
}
