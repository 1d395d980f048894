package dev.tokentm.job.aggregate;

import java.io.Serializable;

/**
 * A mean over images with its Poisson-bootstrap replicates ({@link Bootstrap}: each image's
 * weight per replicate seeded by the run's seed and its id), kept as sums so that Spark can add
 * partial results in any order and no image has to reach the driver. Used for the audit's
 * probability drops and shares.
 */
public final class BootstrapMean implements Serializable {

    private long count;
    private double sum;
    private final double[] weights;
    private final double[] weighted;

    private BootstrapMean(int replicates) {
        weights = new double[replicates];
        weighted = new double[replicates];
    }

    /** Nothing yet. */
    public static BootstrapMean empty(Bootstrap bootstrap) {
        return new BootstrapMean(bootstrap.replicates());
    }

    /** One image's value. */
    public static BootstrapMean of(Bootstrap bootstrap, String imageId, double value) {
        BootstrapMean m = empty(bootstrap);
        m.count = 1;
        m.sum = value;
        int[] w = bootstrap.weights(imageId);
        for (int r = 0; r < w.length; r++) {
            m.weights[r] = w[r];
            m.weighted[r] = w[r] * value;
        }
        return m;
    }

    /** Both together (a new accumulator; neither changes). */
    public BootstrapMean plus(BootstrapMean other) {
        BootstrapMean m = new BootstrapMean(weights.length);
        m.count = count + other.count;
        m.sum = sum + other.sum;
        for (int r = 0; r < weights.length; r++) {
            m.weights[r] = weights[r] + other.weights[r];
            m.weighted[r] = weighted[r] + other.weighted[r];
        }
        return m;
    }

    public long count() {
        return count;
    }

    /** The mean; NaN over no images. */
    public double mean() {
        return count == 0 ? Double.NaN : sum / count;
    }

    /** Each replicate's weighted mean; NaN where every weight was 0. */
    public double[] replicates() {
        double[] means = new double[weights.length];
        for (int r = 0; r < means.length; r++) {
            means[r] = weights[r] == 0 ? Double.NaN : weighted[r] / weights[r];
        }
        return means;
    }

    /** The mean's 95% percentile interval. */
    public Interval interval() {
        return Interval.percentile(replicates(), 0.95);
    }

    /**
     * The one-sided p-value that the mean is not above 0, from the bootstrap's standard error (normal
     * approximation: {@code 1 − Φ(mean / sd of the replicates)}), which, unlike counting replicates
     * below 0, is not bounded below by {@code 1/replicates}: a false discovery correction over many
     * tests needs small p-values told apart.
     */
    public double pAboveZero() {
        return pAboveZero(mean(), replicates());
    }

    /** The same for {@code a.mean() − b.mean()}, replicate by replicate. */
    public static double pAboveZero(BootstrapMean a, BootstrapMean b) {
        return pAboveZero(a.mean() - b.mean(), differences(a, b));
    }

    private static double[] differences(BootstrapMean a, BootstrapMean b) {
        double[] ra = a.replicates();
        double[] rb = b.replicates();
        double[] d = new double[ra.length];
        for (int r = 0; r < d.length; r++) {
            d[r] = ra[r] - rb[r];
        }
        return d;
    }

    private static double pAboveZero(double estimate, double[] replicates) {
        double[] v = java.util.Arrays.stream(replicates)
                .filter(x -> !Double.isNaN(x))
                .toArray();
        if (v.length < 2 || Double.isNaN(estimate)) {
            return 1;
        }
        double sd = new org.apache.commons.math3.stat.descriptive.moment.StandardDeviation().evaluate(v);
        if (sd == 0) {
            return estimate > 0 ? 0 : 1;
        }
        return 1 - new org.apache.commons.math3.distribution.NormalDistribution().cumulativeProbability(estimate / sd);
    }

    /**
     * The 95% interval of {@code a.mean() − b.mean()}, replicate by replicate. For disjoint sets of
     * images the two means resample independently; for the same images, in pairs.
     */
    public static Interval difference(BootstrapMean a, BootstrapMean b) {
        return Interval.percentile(differences(a, b), 0.95);
    }
}
