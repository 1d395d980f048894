package dev.tokentm.udfs.metrics;

import java.util.Arrays;

/**
 * Average precision of scores against binary labels, as scikit-learn's
 * {@code average_precision_score}: {@code AP = Σ_n (R_n − R_{n−1}) · P_n} over the distinct score
 * thresholds taken from high to low (tied scores enter together), with {@code R_0 = 0}. With no
 * positive label it is 0, as the published segmentation code's {@code nan_to_num} makes it.
 *
 * <p>Only how many scores and how many positive scores reach each threshold matters, so the
 * scores are sorted as primitives, the positives' scores apart, and walked together from the top.
 */
public final class AveragePrecision {

    private AveragePrecision() {}

    public static double of(double[] scores, boolean[] positive) {
        if (scores.length != positive.length) {
            throw new IllegalArgumentException(scores.length + " scores for " + positive.length + " labels");
        }
        return ofSorted(sorted(scores), sorted(positiveScores(scores, positive)));
    }

    /**
     * AP from every score and the positives' scores, each sorted ascending ({@link Arrays#sort}),
     * so that sorted parts can be merged rather than sorted again.
     */
    static double ofSorted(double[] all, double[] positives) {
        if (positives.length == 0) {
            return 0;
        }
        double ap = 0;
        double previousRecall = 0;
        int truePositives = 0;
        int seen = 0;
        int p = positives.length - 1;
        for (int k = all.length - 1; k >= 0; k--) { // thresholds from high to low
            seen++;
            while (p >= 0 && Double.compare(positives[p], all[k]) >= 0) {
                truePositives++;
                p--;
            }
            // Scores equal as numbers are one threshold (-0.0 and 0.0 too: a score >= t test cannot tell them apart).
            if (k == 0 || all[k - 1] != all[k]) {
                double recall = (double) truePositives / positives.length;
                double precision = (double) truePositives / seen;
                ap += (recall - previousRecall) * precision;
                previousRecall = recall;
            }
        }
        return ap;
    }

    static double[] sorted(double[] values) {
        double[] copy = values.clone();
        Arrays.sort(copy);
        return copy;
    }

    static double[] positiveScores(double[] scores, boolean[] positive) {
        int count = 0;
        for (boolean b : positive) {
            count += b ? 1 : 0;
        }
        double[] out = new double[count];
        int j = 0;
        for (int i = 0; i < scores.length; i++) {
            if (positive[i]) {
                out[j++] = scores[i];
            }
        }
        return out;
    }

    /** Two ascending arrays as one ascending array. */
    static double[] merged(double[] a, double[] b) {
        double[] out = new double[a.length + b.length];
        int i = 0;
        int j = 0;
        for (int k = 0; k < out.length; k++) {
            out[k] = j >= b.length || (i < a.length && Double.compare(a[i], b[j]) <= 0) ? a[i++] : b[j++];
        }
        return out;
    }
}
