package dev.tokentm.job.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokentm.job.aggregate.Bootstrap;
import dev.tokentm.job.aggregate.Interval;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How a strategy becomes a confirmed shortcut. Candidates: with masks, relevance off the object by
 * 10 points more than the rest of the class (a high share alone is no reason); without masks, a
 * small region the rest of the class does not use. Confirmation: Benjamini–Hochberg's step-up rule,
 * checked on hand-worked p-values (a later p-value under its threshold confirms the earlier ones).
 */
class ShortcutDecisionTest {

    private static final AuditSettings SETTINGS = AuditSettings.defaults(Bootstrap.defaults());

    /** An 8x8 strategy whose region is {@code cells} cells holding {@code share} of its relevance. */
    private static Strategy strategy(double outside, double othersOutside, int cells, double share, double others) {
        double[] map = new double[64];
        java.util.Arrays.fill(map, 1.0 / 64);
        int[] region = java.util.stream.IntStream.range(0, cells).toArray();
        return new Strategy(
                new ClassKey("predicted", 6),
                0,
                50,
                300,
                40,
                50,
                outside,
                othersOutside,
                map,
                region,
                share,
                others,
                List.of(),
                List.of());
    }

    @Test
    void candidatesAreJudgedAgainstTheRestOfTheirClass() {
        assertEquals(
                2,
                ShortcutRule.reasons(strategy(0.66, 0.50, 1, 0.34, 0.004), SETTINGS)
                        .size());
        assertEquals(
                1,
                ShortcutRule.reasons(strategy(0.66, 0.50, 30, 0.5, 0.4), SETTINGS)
                        .size());
        assertTrue(
                ShortcutRule.reasons(strategy(0.75, 0.72, 5, 0.5, 0.2), SETTINGS)
                        .isEmpty(),
                "a sandal");
        assertTrue(
                ShortcutRule.reasons(strategy(0.50, 0.48, 2, 0.5, 0.1), SETTINGS)
                        .isEmpty(),
                "on the object");
        assertEquals(
                1,
                ShortcutRule.reasons(strategy(Double.NaN, Double.NaN, 2, 0.5, 0.1), SETTINGS)
                        .size());
        assertTrue(ShortcutRule.reasons(strategy(Double.NaN, Double.NaN, 2, 0.5, 0.3), SETTINGS)
                .isEmpty());
        assertTrue(ShortcutRule.reasons(strategy(Double.NaN, Double.NaN, 9, 0.5, 0.1), SETTINGS)
                .isEmpty());
    }

    private static Map<StrategyStats.Id, CausalTest.Result> tests(double... p) {
        Map<StrategyStats.Id, CausalTest.Result> tests = new HashMap<>();
        for (int i = 0; i < p.length; i++) {
            tests.put(
                    new StrategyStats.Id(new ClassKey("predicted", i), 0),
                    new CausalTest.Result(
                            10, 10, 0, 0.1, Interval.NONE, 0, Interval.NONE, 0.1, Interval.NONE, p[i], false));
        }
        return tests;
    }

    private static long confirmed(double... p) {
        return CausalTest.confirm(tests(p), 0.05).values().stream()
                .filter(CausalTest.Result::confirmed)
                .count();
    }

    @Test
    void confirmationsControlTheFalseDiscoveryRate() {
        // thresholds k/10 * 0.05: 0.001 and 0.008 pass, 0.039 > 0.015 and nothing later passes its own
        assertEquals(2, confirmed(0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216));
        // step-up: 0.02 misses 0.0125, but 0.024 <= 0.025 confirms both
        assertEquals(2, confirmed(0.5, 0.024, 0.6, 0.02));
        assertEquals(0, confirmed(0.03, 0.2));
        // which ones: the smallest
        var out = CausalTest.confirm(tests(0.5, 0.001), 0.05);
        assertTrue(
                out.get(new StrategyStats.Id(new ClassKey("predicted", 1), 0)).confirmed());
        assertTrue(
                !out.get(new StrategyStats.Id(new ClassKey("predicted", 0), 0)).confirmed());
    }
}
