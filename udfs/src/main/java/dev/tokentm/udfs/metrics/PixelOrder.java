package dev.tokentm.udfs.metrics;

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
        ValueGroups groups = ValueGroups.of(relevance);
        int[] next = new int[groups.size()]; // the rank the group's next pixel (by index) gets
        int position = 0;
        for (int i = 0; i < groups.size(); i++) {
            int k = this == POSITIVE ? groups.size() - 1 - i : i;
            next[k] = position;
            position += groups.count(k);
        }
        int[] rank = new int[relevance.length];
        for (int p = 0; p < rank.length; p++) {
            rank[p] = next[groups.groupOf(relevance[p])]++;
        }
        return rank;
    }

    /** Lower-case name for outputs. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
