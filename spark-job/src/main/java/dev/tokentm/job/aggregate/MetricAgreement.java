package dev.tokentm.job.aggregate;

import dev.tokentm.job.aggregate.MetricsAggregator.MethodMetrics;
import dev.tokentm.udfs.metrics.TargetMode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.math3.stat.correlation.KendallsCorrelation;

/**
 * Whether metrics agree on which methods are better: Kendall's τ-b between the method rankings
 * two metrics produce, per target, with each metric oriented so that "better" is larger (τ = 1: the
 * same order, −1: reversed). Metrics undefined for some method (their protocol did not run) are
 * left out, and so are comparisons of fewer than three methods.
 */
public final class MetricAgreement {

    /**
     * @param target the explained class
     * @param metricA one metric
     * @param metricB another
     * @param tau Kendall's τ-b of the two rankings
     * @param methods how many methods were ranked
     */
    public record Agreement(String target, String metricA, String metricB, double tau, int methods) {}

    private MetricAgreement() {}

    public static List<Agreement> of(List<MethodMetrics> groups, List<Metric> metrics) {
        Set<TargetMode> targets = new LinkedHashSet<>();
        groups.forEach(g -> targets.add(g.target()));
        List<Agreement> out = new ArrayList<>();
        for (TargetMode target : targets) {
            List<MethodMetrics> rows =
                    groups.stream().filter(g -> g.target().equals(target)).toList();
            if (rows.size() < 3) {
                continue;
            }
            List<Metric> defined = metrics.stream()
                    .filter(m ->
                            rows.stream().noneMatch(r -> Double.isNaN(m.value().applyAsDouble(r.metrics()))))
                    .toList();
            for (int i = 0; i < defined.size(); i++) {
                for (int j = i + 1; j < defined.size(); j++) {
                    double tau = new KendallsCorrelation()
                            .correlation(oriented(rows, defined.get(i)), oriented(rows, defined.get(j)));
                    if (!Double.isNaN(tau)) {
                        out.add(new Agreement(
                                target.label(),
                                defined.get(i).name(),
                                defined.get(j).name(),
                                tau,
                                rows.size()));
                    }
                }
            }
        }
        return out;
    }

    private static double[] oriented(List<MethodMetrics> rows, Metric metric) {
        return rows.stream()
                .mapToDouble(
                        r -> (metric.higherIsBetter() ? 1 : -1) * metric.value().applyAsDouble(r.metrics()))
                .toArray();
    }
}
