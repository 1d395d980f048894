package dev.tokentm.udfs.audit;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * A heatmap as the audit compares it: its positive relevance pooled by area onto a fixed
 * {@code grid × grid} frame and scaled to sum to 1, so maps of any resolution (patch grids, pixels)
 * compare, and a cell's value is the share of the image's relevance that sits there (SpRAy's
 * "downsized, normalized" heatmaps, Lapuschkin et al. 2019).
 */
public final class HeatmapGrid {

    private HeatmapGrid() {}

    /**
     * @param heatmap row-major {@code height × width}
     * @return row-major {@code grid × grid}, summing to 1; null when the map has no positive relevance
     */
    public static double[] pooled(float[] heatmap, int height, int width, int grid) {
        if (heatmap.length != height * width || grid < 1) {
            throw new IllegalArgumentException("heatmap of " + heatmap.length + " values is not " + height + "x" + width
                    + ", or grid " + grid + " < 1");
        }
        Overlap[] rows = overlaps(height, grid);
        Overlap[] cols = overlaps(width, grid);
        double[] out = new double[grid * grid];
        double total = 0;
        for (int y = 0; y < height; y++) {
            Overlap row = rows[y];
            for (int x = 0; x < width; x++) {
                double v = heatmap[y * width + x];
                if (!(v > 0)) {
                    continue; // negative and NaN relevance speak against the class, or of nothing
                }
                Overlap col = cols[x];
                for (int a = 0; a < row.cells().length; a++) {
                    for (int b = 0; b < col.cells().length; b++) {
                        double w = row.weights()[a] * col.weights()[b] * v;
                        out[row.cells()[a] * grid + col.cells()[b]] += w;
                        total += w;
                    }
                }
            }
        }
        if (!(total > 0)) {
            return null;
        }
        for (int i = 0; i < out.length; i++) {
            out[i] /= total;
        }
        return out;
    }

    /** The target cells a source cell falls in, with how much of it falls in each (one or two, mostly). */
    private record Overlap(int[] cells, double[] weights) {}

    /** Per source cell i (of n along an axis), the target cells g it overlaps and by how much. */
    private static Overlap[] overlaps(int n, int grid) {
        double[][] w = new double[n][grid];
        for (int g = 0; g < grid; g++) {
            double lo = (double) g * n / grid;
            double hi = (double) (g + 1) * n / grid;
            for (int i = (int) Math.floor(lo); i < Math.min(n, Math.ceil(hi)); i++) {
                w[i][g] = Math.max(0, Math.min(hi, i + 1) - Math.max(lo, i));
            }
        }
        Overlap[] out = new Overlap[n];
        for (int i = 0; i < n; i++) {
            double[] row = w[i];
            int[] cells = java.util.stream.IntStream.range(0, grid)
                    .filter(g -> row[g] != 0)
                    .toArray();
            out[i] = new Overlap(
                    cells,
                    java.util.Arrays.stream(cells).mapToDouble(g -> row[g]).toArray());
        }
        return out;
    }

    /** The share of a pooled map's relevance in these cells. */
    public static double mass(double[] pooled, int[] cells) {
        double sum = 0;
        for (int c : cells) {
            sum += pooled[c];
        }
        return sum;
    }

    /**
     * Where a map's relevance sits: the fewest cells, largest first, holding at least {@code share}
     * of its mass, in ascending cell order.
     */
    public static int[] region(double[] map, double share) {
        Integer[] order = IntStream.range(0, map.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -map[i]).thenComparingInt(i -> i));
        double total = Arrays.stream(map).sum();
        double sum = 0;
        int k = 0;
        while (k < order.length && sum < share * total) {
            sum += map[order[k++]];
        }
        return Arrays.stream(order, 0, Math.max(1, k))
                .mapToInt(Integer::intValue)
                .sorted()
                .toArray();
    }
}
