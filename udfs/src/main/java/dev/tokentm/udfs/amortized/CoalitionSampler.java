package dev.tokentm.udfs.amortized;

import java.util.Random;

/**
 * The coalitions ViT Shapley trains on (Covert et al., ICLR 2023; suinleelab/vit-shapley {@code
 * generate_mask}). Rows of {@code players} entries, 1 = in the coalition.
 */
public final class CoalitionSampler {

    private CoalitionSampler() {}

    /**
     * The surrogate's masks, of uniformly distributed size: each patch is kept when its uniform draw
     * exceeds the row's own uniform threshold.
     */
    public static float[] uniform(int rows, int players, Random random) {
        float[] masks = new float[rows * players];
        for (int r = 0; r < rows; r++) {
            double threshold = random.nextDouble();
            for (int j = 0; j < players; j++) {
                masks[r * players + j] = random.nextDouble() > threshold ? 1 : 0;
            }
        }
        return masks;
    }

    /**
     * The explainer's masks: {@code pairs} coalitions from the Shapley kernel, each followed by its
     * complement. A coalition's size s in 1..P−1 is drawn with probability proportional to {@code
     * 1/(s(P−s))} (the kernel's weight of a size, Lundberg &amp; Lee 2017), its members uniformly among
     * the subsets of that size.
     */
    public static float[] shapleyPaired(int pairs, int players, Random random) {
        if (players < 2) {
            throw new IllegalArgumentException("the Shapley kernel needs at least 2 players, got " + players);
        }
        double[] cumulative = new double[players - 1];
        double total = 0;
        for (int s = 1; s < players; s++) {
            total += 1.0 / (s * (double) (players - s));
            cumulative[s - 1] = total;
        }
        float[] masks = new float[2 * pairs * players];
        int[] order = new int[players];
        for (int r = 0; r < pairs; r++) {
            double u = random.nextDouble() * total;
            int size = 1;
            while (size < players - 1 && cumulative[size - 1] < u) {
                size++;
            }
            for (int j = 0; j < players; j++) {
                order[j] = j;
            }
            for (int k = 0; k < size; k++) { // a partial Fisher-Yates shuffle: the first `size` are the coalition
                int swap = k + random.nextInt(players - k);
                int t = order[k];
                order[k] = order[swap];
                order[swap] = t;
            }
            int row = 2 * r * players;
            for (int j = 0; j < players; j++) {
                masks[row + players + j] = 1;
            }
            for (int k = 0; k < size; k++) {
                masks[row + order[k]] = 1;
                masks[row + players + order[k]] = 0;
            }
        }
        return masks;
    }
}
