package dev.tokentm.job.output;

import dev.tokentm.job.aggregate.Comparisons;
import dev.tokentm.job.aggregate.Interval;
import dev.tokentm.job.aggregate.MethodTarget;
import dev.tokentm.job.aggregate.MetricsAggregator.MethodMetrics;
import dev.tokentm.job.output.MetricsTable.MetricColumn;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The metrics and comparisons as the fixed-width text a run prints at its end. */
public final class MetricsText {

    private MetricsText() {}

    /**
     * One block per section that has values ({@link MetricsTable.Section#all()}), one line per method
     * and target, each metric as {@code value ±half-width} of its 95% interval; arrows say which
     * direction is better.
     */
    public static String format(List<MethodMetrics> metrics) {
        StringBuilder s = new StringBuilder();
        String method =
                "%-" + methodWidth(metrics.stream().map(MetricsText::rowName).toList(), 32) + "s";
        for (MetricsTable.Section section : MetricsTable.Section.all()) {
            List<MetricColumn> columns = MetricsTable.shown().stream()
                    .filter(c -> c.section().equals(section))
                    .filter(c -> metrics.stream().anyMatch(m -> !Double.isNaN(c.value(m))))
                    .toList();
            if (columns.isEmpty()) {
                continue;
            }
            s.append(section.title()).append(System.lineSeparator());
            s.append(String.format(
                    Locale.ROOT,
                    method + " %-9s %7s",
                    MetricsTable.METHOD.name(),
                    MetricsTable.TARGET.name(),
                    MetricsTable.IMAGES.name()));
            for (MetricColumn c : columns) {
                s.append(String.format(
                        Locale.ROOT, " %15s", c.heading() + " " + c.better().text()));
            }
            s.append(System.lineSeparator());
            for (MethodMetrics m : metrics) {
                s.append(String.format(
                        Locale.ROOT,
                        method + " %-9s %7d",
                        rowName(m),
                        m.target().label(),
                        Math.round(m.metrics().images())));
                for (MetricColumn c : columns) {
                    s.append(String.format(Locale.ROOT, " %15s", withInterval(c.value(m), c.ci95(m))));
                }
                s.append(System.lineSeparator());
            }
            s.append(System.lineSeparator());
        }
        java.util.Set<String> said = new java.util.HashSet<>(); // one line a method: no target enters it
        for (MethodMetrics m : metrics) {
            double agreement = MetricsTable.AGREEMENT.value(m);
            if (!Double.isNaN(agreement) && said.add(m.method())) {
                s.append(String.format(
                        Locale.ROOT,
                        "%s: its changed model predicts the model's class on %s of the images%n",
                        m.method(),
                        withInterval(agreement, MetricsTable.AGREEMENT.ci95(m))));
            }
        }
        return s.toString();
    }

    /**
     * The paired comparisons: per target, one line per method, each metric's difference to the
     * reference; {@code *} marks a difference whose 95% interval excludes 0, followed by whether the
     * method is better or worse by that metric's direction.
     */
    public static String formatComparisons(List<Comparisons.Comparison> comparisons) {
        if (comparisons.isEmpty()) {
            return "";
        }
        StringBuilder s = new StringBuilder();
        String versus = comparisons.get(0).versus();
        s.append("difference to ")
                .append(versus)
                .append(" on the same images (* = 95% bootstrap interval excludes 0; better/worse by the metric's"
                        + " direction)")
                .append(System.lineSeparator());
        List<String> metrics = comparisons.stream()
                .map(Comparisons.Comparison::metric)
                .distinct()
                .toList();
        String method = "%-"
                + methodWidth(comparisons.stream().map(c -> c.key().method()).toList(), 24) + "s";
        s.append(String.format(Locale.ROOT, method + " %-9s", MetricsTable.METHOD.name(), MetricsTable.TARGET.name()));
        for (String m : metrics) {
            s.append(String.format(Locale.ROOT, " %13s", MetricsTable.label(m)));
        }
        s.append(System.lineSeparator());
        for (Map.Entry<MethodTarget, Map<String, Comparisons.Comparison>> row :
                byRow(comparisons).entrySet()) {
            s.append(String.format(
                    Locale.ROOT,
                    method + " %-9s",
                    row.getKey().method(),
                    row.getKey().target().label()));
            for (String m : metrics) {
                Comparisons.Comparison c = row.getValue().get(m);
                String cell = c == null
                        ? "-"
                        : String.format(Locale.ROOT, "%+.3f", c.difference())
                                + (c.significant() ? (c.better() ? "* better" : "* worse") : "");
                s.append(String.format(Locale.ROOT, " %13s", cell));
            }
            s.append(System.lineSeparator());
        }
        return s.append(System.lineSeparator()).toString();
    }

    /** A metrics row's method, marked when its sanity check failed. */
    private static String rowName(MethodMetrics m) {
        return Boolean.FALSE.equals(m.sanityPassed()) ? m.method() + " (sanity: failed)" : m.method();
    }

    /** The method column's width: the longest name (a spec with parameters can be long), at least {@code minimum}. */
    private static int methodWidth(List<String> names, int minimum) {
        return Math.max(minimum, names.stream().mapToInt(String::length).max().orElse(0));
    }

    /** Comparisons by row (method and target, in their order), then by metric name. */
    public static Map<MethodTarget, Map<String, Comparisons.Comparison>> byRow(
            List<Comparisons.Comparison> comparisons) {
        Map<MethodTarget, Map<String, Comparisons.Comparison>> rows = new LinkedHashMap<>();
        for (Comparisons.Comparison c : comparisons) {
            rows.computeIfAbsent(c.key(), k -> new HashMap<>()).put(c.metric(), c);
        }
        return rows;
    }

    /** {@code 0.150 ±0.012}: the value and the half-width of its interval; the value alone without one. */
    public static String withInterval(double value, Interval ci) {
        if (Double.isNaN(value)) {
            return "-";
        }
        if (!ci.defined()) {
            return fixed(value);
        }
        return String.format(Locale.ROOT, "%.3f ±%.3f", value, (ci.high() - ci.low()) / 2);
    }

    /** A metric to 4 decimals, "-" when there was nothing to measure (NaN). */
    public static String fixed(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }
}
