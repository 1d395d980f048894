package dev.tokentm.job.aggregate;

import java.util.Arrays;

/**
 * A confidence interval {@code [low, high]}; NaN ends when there was nothing to resample.
 */
public record Interval(double low, double high) {

    /** No interval (no replicates, or a metric undefined in all of them). */
    public static final Interval NONE = new Interval(Double.NaN, Double.NaN);

    /**
     * The percentile interval of bootstrap replicates at a confidence level: the (1−level)/2 and
     * (1+level)/2 quantiles, linearly interpolated between order statistics (type 7, numpy's and
     * R's default). Replicates where the metric is undefined (NaN) are left out.
     */
    public static Interval percentile(double[] replicates, double level) {
        double[] v =
                Arrays.stream(replicates).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (v.length == 0) {
            return NONE;
        }
        return new Interval(quantile(v, (1 - level) / 2), quantile(v, (1 + level) / 2));
    }

    /** The q-quantile of sorted values (type 7). */
    static double quantile(double[] sorted, double q) {
        double h = (sorted.length - 1) * q;
        int lo = (int) Math.floor(h);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    /** Whether the interval lies wholly on one side of 0. */
    public boolean excludesZero() {
        return low > 0 || high < 0;
    }

    public boolean defined() {
        return !Double.isNaN(low) && !Double.isNaN(high);
    }

    /** As a JSON-friendly pair, null ends for NaN. */
    public Double[] pair() {
        return new Double[] {Double.isNaN(low) ? null : low, Double.isNaN(high) ? null : high};
    }
}
