package dev.tokentm.job.output;

import dev.tokentm.job.audit.Audit;
import dev.tokentm.job.audit.CausalTest;
import dev.tokentm.job.audit.ClassKey;
import dev.tokentm.job.audit.Finding;
import dev.tokentm.job.audit.Strategy;
import dev.tokentm.job.audit.WrongReasons;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code audit} section of {@code summary.json}: the audited method and settings, the confirmed
 * shortcuts, and per class its strategies and right-for-the-wrong-reasons count.
 *
 * @param method the audited method
 * @param removal what replaced the region in the causal tests
 * @param grid the pooled heatmaps' side
 * @param masks whether the run had object masks
 * @param seconds the audit's time
 * @param confirmedShortcuts one line per confirmed shortcut, e.g. {@code predicted shirt, strategy 2}
 * @param notClustered classes with too few images, e.g. {@code label bag (12 images)}
 * @param classes per clustered class
 */
public record AuditSummary(
        String method,
        String removal,
        int grid,
        boolean masks,
        double seconds,
        List<String> confirmedShortcuts,
        List<String> notClustered,
        List<ClassAudit> classes) {

    /** One class: its strategies, and its correct predictions resting off the object. */
    public record ClassAudit(
            String target,
            int classIndex,
            String className,
            long images,
            List<StrategyLine> strategies,
            Long correct,
            Long correctOffObject,
            Double correctOffObjectShare,
            Double[] correctOffObjectShareCi95) {}

    /** One strategy, as in the strategies table, with its causal test. */
    public record StrategyLine(
            int strategy,
            long images,
            double share,
            Double accuracy,
            Double relevanceOutsideMask,
            List<Integer> region,
            double regionShare,
            List<String> candidateReasons,
            Double drop,
            Double[] dropCi95,
            Double controlDrop,
            Double[] controlDropCi95,
            Double pValue,
            Boolean confirmed) {}

    public static AuditSummary of(Audit.Result result, List<String> classNames) {
        Map<ClassKey, List<StrategyLine>> lines = new LinkedHashMap<>();
        List<String> confirmed = new ArrayList<>();
        result.findings().stream()
                .sorted(java.util.Comparator.comparing(
                                (Finding f) -> f.strategy().key())
                        .thenComparingInt(f -> f.strategy().index()))
                .forEach(f -> {
                    lines.computeIfAbsent(f.strategy().key(), k -> new ArrayList<>())
                            .add(line(f));
                    if (f.confirmed()) {
                        confirmed.add(f.strategy().key().describe(classNames) + ", strategy "
                                + f.strategy().index());
                    }
                });
        Map<ClassKey, WrongReasons.Count> wrong = new LinkedHashMap<>();
        result.wrongReasons().forEach(c -> wrong.put(c.key(), c));
        List<ClassAudit> classes = new ArrayList<>();
        lines.forEach((key, strategies) -> {
            WrongReasons.Count w = wrong.get(key);
            classes.add(new ClassAudit(
                    key.target(),
                    key.label(),
                    key.label() < classNames.size() ? classNames.get(key.label()) : null,
                    result.images().getOrDefault(key, 0L),
                    strategies,
                    w == null ? null : w.correct(),
                    w == null ? null : w.offObject(),
                    w == null ? null : finite(w.share()),
                    w == null ? null : w.ci().pair()));
        });
        return new AuditSummary(
                result.settings().method(),
                result.settings().removal().label(),
                result.settings().grid(),
                result.masks(),
                result.seconds(),
                confirmed,
                result.tooFew().stream()
                        .map(k ->
                                k.describe(classNames) + " (" + result.images().get(k) + " images)")
                        .toList(),
                classes);
    }

    private static StrategyLine line(Finding f) {
        Strategy s = f.strategy();
        CausalTest.Result t = f.test();
        return new StrategyLine(
                s.index(),
                s.images(),
                s.share(),
                finite(s.accuracy()),
                finite(s.outside()),
                Arrays.stream(s.region()).boxed().toList(),
                s.regionShare(),
                f.reasons(),
                t == null ? null : finite(t.drop()),
                t == null ? null : t.dropCi().pair(),
                t == null ? null : finite(t.controlDrop()),
                t == null ? null : t.controlCi().pair(),
                t == null ? null : t.pValue(),
                t == null ? null : t.confirmed());
    }

    private static Double finite(double v) {
        return Double.isNaN(v) ? null : v;
    }
}
