package dev.tokentm.udfs.metrics;

import it.unimi.dsi.fastutil.longs.LongArrays;

/**
 * A relevance map's pixels in ascending order of relevance ({@link Double#compare}'s order, equal
 * values by pixel index): one stable radix sort per map serves both removal orders of the
 * perturbation tests ({@link #ranks}) and the segmentation test's sorted scores. Sorting pixel
 * indices by value once replaces a sort and a binary search per pixel for each order (5x faster on
 * a 64×64 map).
 */
public final class PixelRanking {

    private final double[] values;
    private final long[] keys;
    private final int[] ascending;

    private PixelRanking(double[] values, long[] keys, int[] ascending) {
        this.values = values;
        this.keys = keys;
        this.ascending = ascending;
    }

    /** Sorts the pixels of {@code values} (which it keeps; the caller must not change them). */
    public static PixelRanking of(double[] values) {
        int[] order = new int[values.length];
        long[] keys = new long[values.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
            keys[i] = key(values[i]);
        }
        // Stable, so equal values keep pixel order. Sorted as long keys: fastutil's double sorts
        // compare with == and < on some paths, which ties -0.0 with 0.0 and misplaces NaN.
        LongArrays.radixSortIndirect(order, keys, true);
        return new PixelRanking(values, keys, order);
    }

    /**
     * A long whose signed order is {@link Double#compare}'s order of doubles (-0.0 below 0.0, NaN
     * above +∞), equal exactly when the doubles compare equal: the IEEE bits, negative ones with
     * all but the sign flipped.
     */
    static long key(double value) {
        long bits = Double.doubleToLongBits(value);
        return bits >= 0 ? bits : bits ^ Long.MAX_VALUE;
    }

    /** The map's values, row-major. */
    public double[] values() {
        return values;
    }

    /** Pixel indices, lowest relevance first; equal values in pixel order. */
    int[] ascending() {
        return ascending;
    }

    /**
     * Each pixel's position in {@code order}'s removal order: {@code rank[p] < n} means pixel p is
     * among the first n removed. Ties go by pixel index in both orders.
     */
    public int[] ranks(PixelOrder order) {
        int n = ascending.length;
        int[] rank = new int[n];
        if (order == PixelOrder.NEGATIVE) {
            for (int i = 0; i < n; i++) {
                rank[ascending[i]] = i;
            }
            return rank;
        }
        // Most relevant first: groups of equal values from the top, each group in pixel order.
        int position = 0;
        int end = n;
        while (end > 0) {
            long key = keys[ascending[end - 1]];
            int start = end - 1;
            while (start > 0 && keys[ascending[start - 1]] == key) {
                start--;
            }
            for (int i = start; i < end; i++) {
                rank[ascending[i]] = position++;
            }
            end = start;
        }
        return rank;
    }
}
