package dev.tokentm.udfs.audit;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * One class's strategies as {@link StrategyClustering} found them: the projection, the fine
 * clusters and which strategy each belongs to, numbered from the largest (0) down. An image joins
 * the strategy of its nearest fine cluster (merged strategies need not be round), and its distance to
 * the strategy's centre ranks it from prototype to outlier.
 *
 * @param mean the mean of the maps' square roots, subtracted before projecting
 * @param basis the PCA components, {@code [components][cells]}
 * @param fine the fine clusters' centres in PCA space
 * @param strategyOf each fine cluster's strategy
 * @param centres each strategy's centre in PCA space
 * @param radii each strategy's RMS distance of its images to its centre, on the fitted images
 */
public record Strategies(
        double[] mean, double[][] basis, double[][] fine, int[] strategyOf, double[][] centres, double[] radii)
        implements Serializable {

    /** Where one image falls: its strategy and its distance to the strategy's centre in PCA space. */
    public record Assignment(int strategy, double distance) {}

    public int count() {
        return centres.length;
    }

    public Assignment assign(double[] map) {
        double[] p = project(root(map), mean, basis);
        int s = strategyOf[nearest(fine, p)];
        return new Assignment(s, Math.sqrt(squaredDistance(p, centres[s])));
    }

    /** Renumbers merged groups by size and computes their centres and radii on the fitted points. */
    static Strategies of(
            double[] mean, double[][] basis, double[][] fine, int[] groupOf, double[][] points, int[] fineOf) {
        int k = fine.length;
        int d = points[0].length;
        long[] size = new long[k];
        for (int f : fineOf) {
            size[groupOf[f]]++;
        }
        int[] order = IntStream.range(0, k)
                .filter(g -> size[g] > 0)
                .boxed()
                .sorted(Comparator.comparingLong((Integer g) -> -size[g]).thenComparingInt(g -> g))
                .mapToInt(Integer::intValue)
                .toArray();
        int[] number = new int[k];
        Arrays.fill(number, -1);
        for (int s = 0; s < order.length; s++) {
            number[order[s]] = s;
        }
        int[] strategyOf = new int[k];
        for (int f = 0; f < k; f++) {
            strategyOf[f] = number[groupOf[f]];
        }
        double[][] centres = new double[order.length][d];
        double[] radii = new double[order.length];
        long[] counts = new long[order.length];
        for (int i = 0; i < points.length; i++) {
            int s = strategyOf[fineOf[i]];
            counts[s]++;
            for (int j = 0; j < d; j++) {
                centres[s][j] += points[i][j];
            }
        }
        for (int s = 0; s < centres.length; s++) {
            for (int j = 0; j < d; j++) {
                centres[s][j] /= counts[s];
            }
        }
        for (int i = 0; i < points.length; i++) {
            int s = strategyOf[fineOf[i]];
            radii[s] += squaredDistance(points[i], centres[s]) / counts[s];
        }
        for (int s = 0; s < radii.length; s++) {
            radii[s] = Math.sqrt(radii[s]);
        }
        return new Strategies(mean, basis, fine, strategyOf, centres, radii);
    }

    /** The square root of each cell: the Hellinger embedding of a map that sums to 1. */
    static double[] root(double[] map) {
        double[] r = new double[map.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = Math.sqrt(Math.max(0, map[i]));
        }
        return r;
    }

    static double[] project(double[] map, double[] mean, double[][] basis) {
        double[] p = new double[basis.length];
        for (int c = 0; c < basis.length; c++) {
            double sum = 0;
            for (int j = 0; j < map.length; j++) {
                sum += (map[j] - mean[j]) * basis[c][j];
            }
            p[c] = sum;
        }
        return p;
    }

    static int nearest(double[][] centres, double[] p) {
        int best = 0;
        double bestDistance = Double.POSITIVE_INFINITY;
        for (int c = 0; c < centres.length; c++) {
            double distance = squaredDistance(centres[c], p);
            if (distance < bestDistance) {
                best = c;
                bestDistance = distance;
            }
        }
        return best;
    }

    static double squaredDistance(double[] a, double[] b) {
        double sum = 0;
        for (int j = 0; j < a.length; j++) {
            double t = a[j] - b[j];
            sum += t * t;
        }
        return sum;
    }
}
