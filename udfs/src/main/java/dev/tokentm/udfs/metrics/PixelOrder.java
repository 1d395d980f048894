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
        return PixelRanking.of(relevance).ranks(this);
    }

    /** Lower-case name for outputs. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
