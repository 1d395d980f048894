package dev.tokentm.job.aggregate;

import dev.tokentm.job.aggregate.MetricsAggregator.MethodMetrics;
import dev.tokentm.udfs.explain.ExplainerRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Paired comparisons of methods on the same images: for each method, target and metric, the
 * difference to a reference method and its 95% bootstrap interval. Both methods' replicate r weigh
 * every image alike ({@link Bootstrap}), so the interval of the replicate-wise differences accounts
 * for the images' shared difficulty (a paired bootstrap).
 */
public final class Comparisons {

    /**
     * @param method the method compared
     * @param versus the reference method
     * @param target the explained class
     * @param metric the metric's name
     * @param difference {@code metric(method) − metric(versus)} on all images
     * @param differenceCi95 its 95% interval, null ends when undefined
     * @param significant whether the interval excludes 0
     * @param better whether {@code method} is the better of the two by this metric's direction
     */
    public record Comparison(
            String method,
            String versus,
            String target,
            String metric,
            Double difference,
            Double[] differenceCi95,
            boolean significant,
            boolean better) {

        /** The row it belongs to: the method compared and the class explained. */
        public MethodTarget key() {
            return MethodTarget.of(method, target);
        }
    }

    private Comparisons() {}

    /** The reference: {@link ExplainerRegistry#REFERENCE} (TokenTM) when it ran, else the first method. */
    public static Optional<String> reference(List<MethodMetrics> groups) {
        if (groups.stream().anyMatch(g -> g.method().equals(ExplainerRegistry.REFERENCE))) {
            return Optional.of(ExplainerRegistry.REFERENCE);
        }
        return groups.stream().map(MethodMetrics::method).findFirst();
    }

    /** Every other method against the reference, per target and metric (metrics undefined on both sides left out). */
    public static List<Comparison> against(String reference, List<MethodMetrics> groups, List<Metric> metrics) {
        List<Comparison> out = new ArrayList<>();
        for (MethodMetrics base : groups) {
            if (!base.method().equals(reference)) {
                continue;
            }
            for (MethodMetrics other : groups) {
                if (other.method().equals(reference) || !other.target().equals(base.target())) {
                    continue;
                }
                for (Metric metric : metrics) {
                    double difference = metric.value().applyAsDouble(other.metrics())
                            - metric.value().applyAsDouble(base.metrics());
                    if (Double.isNaN(difference)) {
                        continue;
                    }
                    Interval ci = Interval.percentile(differences(other, base, metric), 0.95);
                    out.add(new Comparison(
                            other.method(),
                            reference,
                            base.target().label(),
                            metric.name(),
                            difference,
                            ci.pair(),
                            ci.defined() && ci.excludesZero(),
                            metric.higherIsBetter() ? difference > 0 : difference < 0));
                }
            }
        }
        return out;
    }

    private static double[] differences(MethodMetrics a, MethodMetrics b, Metric metric) {
        int n = Math.min(a.replicates().size(), b.replicates().size());
        double[] d = new double[n];
        for (int r = 0; r < n; r++) {
            d[r] = metric.value().applyAsDouble(a.replicates().get(r))
                    - metric.value().applyAsDouble(b.replicates().get(r));
        }
        return d;
    }
}
