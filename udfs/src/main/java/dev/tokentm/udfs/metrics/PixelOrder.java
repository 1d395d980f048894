package dev.tokentm.udfs.metrics;

import java.util.Arrays;

/**
 * The order in which a perturbation test removes pixels: by relevance, most relevant first
 * ({@link #POSITIVE}) or least relevant first ({@link #NEGATIVE}). The published code uses
 * {@code torch.topk}, whose order among equal values is unspecified; here ties go by pixel index
 * (row-major, lower first), so results are reproducible.
 */
public enum PixelOrder {
    POSITIVE,
    NEGATIVE;

    /**
     * Each pixel's position in the removal order: {@code rank[p] < n} means pixel p is among the
     * first n removed.
     */
    public int[] ranks(double[] relevance) {
        Integer[] order = new Integer[relevance.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        boolean mostFirst = this == POSITIVE;
        Arrays.sort(order, (a, b) -> {
            int byValue =
                    mostFirst ? Double.compare(relevance[b], relevance[a]) : Double.compare(relevance[a], relevance[b]);
            return byValue != 0 ? byValue : Integer.compare(a, b);
        });
        int[] rank = new int[relevance.length];
        for (int k = 0; k < order.length; k++) {
            rank[order[k]] = k;
        }
        return rank;
    }

    /** Lower-case name for outputs. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
