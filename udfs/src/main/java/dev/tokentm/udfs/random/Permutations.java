package dev.tokentm.udfs.random;

import java.util.random.RandomGenerator;

/** Uniform random orders. */
public final class Permutations {

    private Permutations() {}

    /** {@code 0..n-1} in a uniformly random order (Fisher-Yates). */
    public static int[] shuffled(int n, RandomGenerator random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
