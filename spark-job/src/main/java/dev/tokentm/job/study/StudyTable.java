package dev.tokentm.job.study;

import dev.tokentm.job.aggregate.Comparisons;
import dev.tokentm.job.aggregate.MetricsAggregator.MethodMetrics;
import dev.tokentm.job.output.MetricsTable;
import dev.tokentm.job.output.MetricsTable.MetricColumn;
import dev.tokentm.job.output.MetricsText;
import dev.tokentm.udfs.explain.ExplainerRegistry;
import dev.tokentm.udfs.metrics.Score;
import dev.tokentm.udfs.metrics.TargetMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The study's one table, Markdown: per explained class, a row per method grouped by study section,
 * each metric as {@code value ±half-width} of its 95% bootstrap interval, and each SRG's paired
 * difference to {@code tokentm} on the same images ({@code *}: its interval excludes 0).
 */
public final class StudyTable {

    /** The metrics shown, where measured: the paper's perturbation areas, each removal's SRG, the segmentation test. */
    static final List<MetricColumn> METRICS = List.of(
            MetricsTable.of(Score.POSITIVE_AUC),
            MetricsTable.of(Score.NEGATIVE_AUC),
            MetricsTable.of(Score.SRG),
            MetricsTable.of(Score.ROAD_SRG),
            MetricsTable.of(Score.BLUR_SRG),
            MetricsTable.MIOU,
            MetricsTable.MAP);

    /** The metrics whose difference to the reference gets a column. */
    static final List<MetricColumn> COMPARED =
            List.of(MetricsTable.of(Score.SRG), MetricsTable.of(Score.ROAD_SRG), MetricsTable.of(Score.BLUR_SRG));

    private StudyTable() {}

    /**
     * @param groups the methods' metrics, in any order
     * @param comparisons their differences to the reference
     * @param depth the model's depth (for the sections' method lists, which group the rows;
     *     methods in no section are other readings or baselines)
     */
    public static String markdown(List<MethodMetrics> groups, List<Comparisons.Comparison> comparisons, int depth) {
        List<MetricColumn> shown = METRICS.stream()
                .filter(c -> groups.stream().anyMatch(g -> !Double.isNaN(c.value(g))))
                .toList();
        List<MetricColumn> compared = COMPARED.stream().filter(shown::contains).toList();
        Map<String, String> sectionOf = new LinkedHashMap<>();
        sectionOf.put(ExplainerRegistry.REFERENCE, "our reading of the paper");
        for (StudySection s : StudySection.values()) {
            for (String spec : s.specs(depth)) {
                sectionOf.putIfAbsent(spec, s.title());
            }
        }
        StringBuilder md = new StringBuilder();
        for (TargetMode target : groups.stream()
                .map(MethodMetrics::target)
                .distinct()
                .sorted(Comparator.comparing(TargetMode::label))
                .toList()) {
            md.append("Explained class: ").append(target.label()).append("\n\n");
            List<String> header = new ArrayList<>(List.of("section", "method", "images"));
            shown.forEach(c -> header.add(c.label() + " " + c.better().text()));
            compared.forEach(c -> header.add("Δ " + c.label() + " vs " + ExplainerRegistry.REFERENCE));
            row(md, header);
            row(md, header.stream().map(h -> "---").toList());
            for (MethodMetrics g : ordered(groups, target, sectionOf)) {
                List<String> cells = new ArrayList<>();
                cells.add(sectionOf.getOrDefault(
                        g.method(),
                        g.method().startsWith(ExplainerRegistry.REFERENCE) ? "other readings" : "baselines"));
                cells.add("`" + g.method() + "`");
                cells.add(String.valueOf(Math.round(g.metrics().images())));
                shown.forEach(c -> cells.add(MetricsText.withInterval(c.value(g), c.ci95(g))));
                compared.forEach(c -> cells.add(difference(comparisons, g, c)));
                row(md, cells);
            }
            md.append('\n');
        }
        return md.toString();
    }

    /** The target's groups: the study's methods in section order, then the baselines by name. */
    private static List<MethodMetrics> ordered(
            List<MethodMetrics> groups, TargetMode target, Map<String, String> sectionOf) {
        List<String> order = new ArrayList<>(sectionOf.keySet());
        List<MethodMetrics> rows = new ArrayList<>(
                groups.stream().filter(g -> g.target().equals(target)).toList());
        rows.sort(Comparator.comparingInt((MethodMetrics g) -> {
                    int i = order.indexOf(g.method());
                    return i < 0 ? Integer.MAX_VALUE : i;
                })
                .thenComparing(MethodMetrics::method));
        return rows;
    }

    private static String difference(List<Comparisons.Comparison> comparisons, MethodMetrics g, MetricColumn c) {
        if (g.method().equals(ExplainerRegistry.REFERENCE)) {
            return "";
        }
        return comparisons.stream()
                .filter(x -> x.key().equals(g.key()) && x.metric().equals(c.name()))
                .findFirst()
                .map(x -> String.format(Locale.ROOT, "%+.3f", x.difference()) + (x.significant() ? "*" : ""))
                .orElse("-");
    }

    private static void row(StringBuilder md, List<String> cells) {
        md.append("| ").append(String.join(" | ", cells)).append(" |\n");
    }
}
