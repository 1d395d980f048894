package dev.tokentm.job.aggregate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The audit's causal-test interval: the mean is the plain mean; the 95% Poisson-bootstrap interval of
 * a normal sample covers its mean and is as wide as the textbook interval (±1.96 σ/√n, within 15%);
 * partial sums add up to the same replicates in any order (what Spark's reduce relies on); the
 * difference of two groups' means has an interval that excludes 0 when they differ and holds 0 when
 * they do not.
 */
class BootstrapMeanTest {

    private static final Bootstrap BOOTSTRAP = new Bootstrap(2000, 11);

    private static BootstrapMean sample(String prefix, int n, double mean, double sd, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        BootstrapMean m = BootstrapMean.empty(BOOTSTRAP);
        for (int i = 0; i < n; i++) {
            m = m.plus(BootstrapMean.of(BOOTSTRAP, prefix + i, mean + sd * gaussian(random)));
        }
        return m;
    }

    private static double gaussian(SplittableRandom random) {
        return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    @Test
    void theIntervalCoversTheMeanAndHasTheTextbookWidth() {
        BootstrapMean m = sample("a", 400, 0.3, 0.1, 1);
        Interval ci = m.interval();
        assertEquals(400, m.count());
        assertTrue(ci.low() < m.mean() && m.mean() < ci.high(), ci + " around " + m.mean());
        assertTrue(ci.low() < 0.3 && 0.3 < ci.high(), ci + " covers the true mean");
        double width = ci.high() - ci.low();
        double textbook = 2 * 1.96 * 0.1 / Math.sqrt(400);
        assertEquals(textbook, width, 0.15 * textbook);
    }

    @Test
    void partialSumsAddUpInAnyOrder() {
        BootstrapMean a = BootstrapMean.of(BOOTSTRAP, "x", 1.0);
        BootstrapMean b = BootstrapMean.of(BOOTSTRAP, "y", 2.0);
        BootstrapMean c = BootstrapMean.of(BOOTSTRAP, "z", 4.5);
        BootstrapMean left = a.plus(b).plus(c);
        BootstrapMean right = c.plus(a.plus(b));
        assertEquals(7.5 / 3, left.mean(), 1e-12);
        assertArrayEquals(left.replicates(), right.replicates(), 1e-12);
    }

    @Test
    void differencesOfGroupsAreSignificantOnlyWhenTheyDiffer() {
        BootstrapMean high = sample("h", 200, 0.5, 0.2, 2);
        BootstrapMean low = sample("l", 200, 0.2, 0.2, 3);
        BootstrapMean same = sample("s", 200, 0.5, 0.2, 4);
        Interval differ = BootstrapMean.difference(high, low);
        assertTrue(differ.low() > 0 && differ.low() < 0.3 && 0.3 < differ.high(), differ.toString());
        Interval none = BootstrapMean.difference(high, same);
        assertFalse(none.excludesZero(), none.toString());
    }
}
