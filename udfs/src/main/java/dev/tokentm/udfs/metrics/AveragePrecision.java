package dev.tokentm.udfs.metrics;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Average precision of scores against binary labels, as scikit-learn's
 * {@code average_precision_score}: {@code AP = Σ_n (R_n − R_{n−1}) · P_n} over the distinct score
 * thresholds taken from high to low (tied scores enter together), with {@code R_0 = 0}. With no
 * positive label it is 0, as the published segmentation code's {@code nan_to_num} makes it.
 */
public final class AveragePrecision {

    private AveragePrecision() {}

    public static double of(double[] scores, boolean[] positive) {
        if (scores.length != positive.length) {
            throw new IllegalArgumentException(scores.length + " scores for " + positive.length + " labels");
        }
        int positives = 0;
        for (boolean p : positive) {
            positives += p ? 1 : 0;
        }
        if (positives == 0) {
            return 0;
        }
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> scores[i]).reversed());
        double ap = 0;
        double previousRecall = 0;
        int truePositives = 0;
        int seen = 0;
        for (int k = 0; k < order.length; k++) {
            int i = order[k];
            seen++;
            truePositives += positive[i] ? 1 : 0;
            boolean lastOfTie = k == order.length - 1 || scores[order[k + 1]] != scores[i];
            if (lastOfTie) {
                double recall = (double) truePositives / positives;
                double precision = (double) truePositives / seen;
                ap += (recall - previousRecall) * precision;
                previousRecall = recall;
            }
        }
        return ap;
    }
}
