package dev.tokentm.udfs.audit;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.ml.clustering.CentroidCluster;
import org.apache.commons.math3.ml.clustering.DoublePoint;
import org.apache.commons.math3.ml.clustering.KMeansPlusPlusClusterer;
import org.apache.commons.math3.ml.clustering.MultiKMeansPlusPlusClusterer;
import org.apache.commons.math3.ml.distance.EuclideanDistance;
import org.apache.commons.math3.random.JDKRandomGenerator;
import org.apache.commons.math3.stat.correlation.Covariance;

/**
 * Finds one class's prediction strategies in its pooled heatmaps ({@link HeatmapGrid}), after SpRAy
 * (Lapuschkin et al., Nature Communications 2019), built so that a small strategy is not swallowed
 * by a large one:
 *
 * <ol>
 *   <li>Hellinger embedding: each map's square root, so that Euclidean distance is the Hellinger
 *       distance between relevance distributions and a little relevance where the class puts none (a
 *       corner) counts as much as a shift of the object's.
 *   <li>PCA: the fewest components explaining {@code variance} of the maps' variance, at most
 *       {@code maxComponents} (denoises; the maps' cells are strongly correlated).
 *   <li>Over-clustering: k-means++ (best of {@code restarts}) with {@code maxClusters} clusters, far more
 *       than a class has strategies, so a tight group of 3% of the class gets a cluster of its own.
 *   <li>Merging: the two clusters whose mean maps differ least are merged while they differ by less
 *       than {@code mergeBelow} in total variation (the share of relevance one would have to move to
 *       turn one mean map into the other), and a cluster under {@code minClusterSize} images joins its
 *       nearest. A strategy k-means cut into pieces (relevance on the object, wherever the object sits)
 *       is put back together; a group whose maps put a third of their relevance elsewhere stays.
 *   <li>Then clusters whose excess relevance over the rest of the class sits in the same small region
 *       merge, whatever else differs: a mark in a corner is one strategy wherever the object lies
 *       (k-means splits such a group by the object's position).
 * </ol>
 *
 * The number of strategies so comes from the data. The eigengap and silhouette choices of k were
 * set aside: both choose the few large groups and let a 3% group vanish inside one (CoRelAy's own
 * example finds the PASCAL VOC watermark in small outlier clusters, not in a k-means cluster).
 *
 * @param maxClusters clusters before merging
 * @param minClusterSize the smallest strategy, in images
 * @param variance share of the variance the PCA keeps
 * @param maxComponents most PCA components
 * @param mergeBelow total variation between mean maps below which clusters merge
 * @param regionArea clusters whose excess relevance over the rest sits in the same region of at most
 *     this share of the frame merge
 * @param restarts k-means++ runs, the one with the least within-cluster sum of squares kept
 * @param seed seed of k-means++'s initialization
 */
public record StrategyClustering(
        int maxClusters,
        int minClusterSize,
        double variance,
        int maxComponents,
        double mergeBelow,
        double regionArea,
        int restarts,
        long seed)
        implements Serializable {

    public StrategyClustering {
        if (maxClusters < 1 || minClusterSize < 1 || maxComponents < 1 || restarts < 1) {
            throw new IllegalArgumentException("clusters, cluster size, components and restarts must be >= 1");
        }
        if (!(variance > 0 && variance <= 1) || !(mergeBelow >= 0 && mergeBelow <= 1)) {
            throw new IllegalArgumentException("variance and the merge distance must be in (0, 1]");
        }
    }

    /**
     * 16 clusters merged below a total variation of 0.3 or on a shared region of at most an eighth of
     * the frame, at least 5 images each; PCA to 90%, at most 16.
     */
    public static StrategyClustering defaults(long seed) {
        return new StrategyClustering(16, 5, 0.9, 16, 0.3, 0.125, 3, seed);
    }

    /** @param maps one pooled heatmap per image, all of one length */
    public Strategies fit(List<double[]> maps) {
        if (maps.isEmpty()) {
            throw new IllegalArgumentException("no heatmaps to cluster");
        }
        int n = maps.size();
        int d = maps.get(0).length;
        List<double[]> roots = maps.stream().map(Strategies::root).toList();
        double[] mean = new double[d];
        for (double[] m : roots) {
            for (int j = 0; j < d; j++) {
                mean[j] += m[j] / n;
            }
        }
        double[][] basis = components(roots, mean);
        double[][] points = new double[n][];
        for (int i = 0; i < n; i++) {
            points[i] = Strategies.project(roots.get(i), mean, basis);
        }
        int k = Math.max(1, Math.min(maxClusters, n / minClusterSize));
        double[][] fine = k == 1 ? new double[][] {centroid(points)} : kMeans(points, k);
        int[] fineOf = new int[n];
        for (int i = 0; i < n; i++) {
            fineOf[i] = Strategies.nearest(fine, points[i]);
        }
        int[] finalOf = merge(fine.length, maps, fineOf);
        return Strategies.of(mean, basis, fine, finalOf, points, fineOf);
    }

    /** PCA basis, {@code [components][d]}: the covariance's leading eigenvectors. */
    private double[][] components(List<double[]> maps, double[] mean) {
        int d = mean.length;
        if (maps.size() < 2) {
            double[][] identity = new double[Math.min(d, maxComponents)][d];
            for (int c = 0; c < identity.length; c++) {
                identity[c][c] = 1;
            }
            return identity;
        }
        RealMatrix covariance = new Covariance(maps.toArray(new double[0][])).getCovarianceMatrix();
        EigenDecomposition eigen = new EigenDecomposition(covariance);
        double[] values = eigen.getRealEigenvalues();
        Integer[] order = new Integer[values.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(values[b], values[a]));
        double total = Arrays.stream(values).map(v -> Math.max(0, v)).sum();
        List<double[]> kept = new ArrayList<>();
        double explained = 0;
        for (Integer i : order) {
            if (kept.size() == maxComponents || (kept.size() > 0 && explained >= variance * total)) {
                break;
            }
            kept.add(eigen.getEigenvector(i).toArray());
            explained += Math.max(0, values[i]);
        }
        return kept.toArray(new double[0][]);
    }

    private double[][] kMeans(double[][] points, int k) {
        List<DoublePoint> data = Arrays.stream(points).map(DoublePoint::new).toList();
        JDKRandomGenerator random = new JDKRandomGenerator();
        random.setSeed(seed);
        KMeansPlusPlusClusterer<DoublePoint> kMeans =
                new KMeansPlusPlusClusterer<>(k, 100, new EuclideanDistance(), random);
        List<CentroidCluster<DoublePoint>> clusters =
                new MultiKMeansPlusPlusClusterer<>(kMeans, restarts).cluster(data);
        return clusters.stream().map(c -> c.getCenter().getPoint()).toArray(double[][]::new);
    }

    /** Which merged group each fine cluster ends in, after the merging rule above. */
    private int[] merge(int k, List<double[]> maps, int[] fineOf) {
        Groups groups = new Groups(k, maps, fineOf);
        while (groups.alive() > 1) {
            int small = groups.smallest();
            if (groups.size[small] < minClusterSize) {
                groups.join(groups.nearest(small), small); // too small to be a strategy
                continue;
            }
            int[] pair = groups.closestPair();
            if (groups.distance(pair[0], pair[1]) >= mergeBelow) {
                break;
            }
            groups.join(pair[0], pair[1]);
        }
        for (int[] pair = groups.sameRegion(regionArea); pair != null; pair = groups.sameRegion(regionArea)) {
            groups.join(pair[0], pair[1]);
        }
        return groups.group;
    }

    /** Clusters being merged: their sizes and mean maps, pooled exactly on each merge. */
    private static final class Groups {
        final long[] size;
        final double[][] meanMap;
        final int[] group;

        Groups(int k, List<double[]> maps, int[] of) {
            int d = maps.get(0).length;
            size = new long[k];
            meanMap = new double[k][d];
            group = new int[k];
            for (int i = 0; i < maps.size(); i++) {
                size[of[i]]++;
                for (int j = 0; j < d; j++) {
                    meanMap[of[i]][j] += maps.get(i)[j];
                }
            }
            for (int c = 0; c < k; c++) {
                group[c] = c;
                for (int j = 0; j < d && size[c] > 0; j++) {
                    meanMap[c][j] /= size[c];
                }
            }
        }

        int alive() {
            return (int) Arrays.stream(size).filter(s -> s > 0).count();
        }

        int smallest() {
            int best = -1;
            for (int c = 0; c < size.length; c++) {
                if (size[c] > 0 && (best < 0 || size[c] < size[best])) {
                    best = c;
                }
            }
            return best;
        }

        int nearest(int c) {
            int best = -1;
            for (int o = 0; o < size.length; o++) {
                if (o != c && size[o] > 0 && (best < 0 || distance(c, o) < distance(c, best))) {
                    best = o;
                }
            }
            return best;
        }

        /** Total variation between two mean maps: the share of relevance one would have to move. */
        double distance(int a, int b) {
            return totalVariation(meanMap[a], meanMap[b]);
        }

        int[] closestPair() {
            int[] best = null;
            for (int a = 0; a < size.length; a++) {
                for (int b = a + 1; b < size.length; b++) {
                    if (size[a] > 0 && size[b] > 0 && (best == null || distance(a, b) < distance(best[0], best[1]))) {
                        best = new int[] {a, b};
                    }
                }
            }
            return best;
        }

        /** The positive part of a group's mean map minus the other groups' mean map; null for a lone group. */
        double[] excess(int g) {
            long rest = Arrays.stream(size).sum() - size[g];
            if (rest == 0) {
                return null;
            }
            double[] e = new double[meanMap[g].length];
            for (int j = 0; j < e.length; j++) {
                double others = 0;
                for (int o = 0; o < size.length; o++) {
                    others += o == g ? 0 : size[o] * meanMap[o][j];
                }
                e[j] = Math.max(0, meanMap[g][j] - others / rest);
            }
            return e;
        }

        /**
         * Two groups whose excess relevance sits in the same small region (half its mass on at most {@code
         * area} of the frame, the regions overlapping by half or more), or null: one strategy whatever else
         * differs, as a corner mark is used the same way wherever the object lies.
         */
        int[] sameRegion(double area) {
            int[][] regions = new int[size.length][];
            for (int g = 0; g < size.length; g++) {
                double[] e = size[g] > 0 ? excess(g) : null;
                if (e != null && Arrays.stream(e).sum() > 1e-9) {
                    int[] r = HeatmapGrid.region(e, 0.5);
                    regions[g] = r.length <= area * e.length ? r : null;
                }
            }
            for (int a = 0; a < size.length; a++) {
                for (int b = a + 1; b < size.length; b++) {
                    if (regions[a] != null && regions[b] != null && jaccard(regions[a], regions[b]) >= 0.5) {
                        return new int[] {a, b};
                    }
                }
            }
            return null;
        }

        private static double jaccard(int[] a, int[] b) {
            long both =
                    Arrays.stream(a).filter(x -> Arrays.binarySearch(b, x) >= 0).count();
            return (double) both / (a.length + b.length - both);
        }

        /** Merges b into a. */
        void join(int a, int b) {
            long n = size[a] + size[b];
            for (int j = 0; j < meanMap[a].length; j++) {
                meanMap[a][j] = (meanMap[a][j] * size[a] + meanMap[b][j] * size[b]) / n;
            }
            size[a] = n;
            size[b] = 0;
            for (int c = 0; c < group.length; c++) {
                if (group[c] == b) {
                    group[c] = a;
                }
            }
        }
    }

    /** Half the L1 distance of two maps that each sum to 1: 0 for equal maps, 1 for disjoint ones. */
    public static double totalVariation(double[] a, double[] b) {
        double sum = 0;
        for (int j = 0; j < a.length; j++) {
            sum += Math.abs(a[j] - b[j]);
        }
        return sum / 2;
    }

    private static double[] centroid(double[][] points) {
        double[] c = new double[points[0].length];
        for (double[] p : points) {
            for (int j = 0; j < c.length; j++) {
                c[j] += p[j] / points.length;
            }
        }
        return c;
    }
}
