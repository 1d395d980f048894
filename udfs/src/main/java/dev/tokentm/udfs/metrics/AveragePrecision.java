package dev.tokentm.udfs.metrics;

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
        ValueGroups groups = ValueGroups.of(scores);
        int[] positivesIn = new int[groups.size()];
        for (int i = 0; i < scores.length; i++) {
            if (positive[i]) {
                positivesIn[groups.groupOf(scores[i])]++;
            }
        }
        double ap = 0;
        double previousRecall = 0;
        int truePositives = 0;
        int seen = 0;
        for (int k = groups.size() - 1; k >= 0; k--) { // thresholds from high to low
            seen += groups.count(k);
            truePositives += positivesIn[k];
            // -0.0 and 0.0 are one threshold (a score >= t test cannot tell them apart).
            boolean lastOfTie = k == 0 || groups.value(k - 1) != groups.value(k);
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
