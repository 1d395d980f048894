package dev.tokentm.udfs.metrics;

import java.util.Arrays;

/**
 * The distinct values of an array in ascending order ({@link Double#compare}'s order), how often
 * each occurs and which group a value falls in: a primitive sort and binary searches instead of
 * sorting boxed indices with a comparator.
 */
final class ValueGroups {

    private final double[] distinct;
    private final int[] counts;

    private ValueGroups(double[] distinct, int[] counts) {
        this.distinct = distinct;
        this.counts = counts;
    }

    static ValueGroups of(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double[] distinct = new double[sorted.length];
        int[] counts = new int[sorted.length];
        int groups = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (groups == 0 || Double.compare(sorted[i], distinct[groups - 1]) != 0) {
                distinct[groups++] = sorted[i];
            }
            counts[groups - 1]++;
        }
        return new ValueGroups(Arrays.copyOf(distinct, groups), Arrays.copyOf(counts, groups));
    }

    /** Number of distinct values. */
    int size() {
        return distinct.length;
    }

    /** How many elements equal the k-th smallest distinct value. */
    int count(int k) {
        return counts[k];
    }

    /** The group of a value that occurs in the array. */
    int groupOf(double value) {
        return Arrays.binarySearch(distinct, value);
    }
}
